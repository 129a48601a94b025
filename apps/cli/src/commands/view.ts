import { RuntimeError } from '../errors.js';
import type { CommandContext } from '../program.js';
import { displayPath, openRunFolder } from '../run-folder.js';

export interface ViewOptions {
  port: number;
  open?: boolean;
}

interface ViewerServerModule {
  startViewerServer(options: { runDir: string; port?: number; host?: string; open?: boolean; log?: (message: string) => void }): Promise<{
    url: string;
    close(): Promise<void>;
  }>;
}

/** Serves apps/viewer on 127.0.0.1 for one run folder until Ctrl-C. */
export async function runView(run: string, opts: ViewOptions, { out }: CommandContext): Promise<void> {
  const { paths } = await openRunFolder(run);
  // A variable specifier: the viewer is an optional part of the install, loaded only by this command.
  const specifier = '@aekit/viewer/server';
  let viewer: ViewerServerModule;
  try {
    viewer = (await import(specifier)) as ViewerServerModule;
  } catch (error) {
    throw new RuntimeError(`aekit view: the viewer (@aekit/viewer) is not installed or not built (${(error as Error).message})`);
  }
  const server = await viewer.startViewerServer({
    runDir: paths.dir,
    port: opts.port,
    host: '127.0.0.1',
    open: Boolean(opts.open),
    log: (message) => out.line(message),
  });
  out.line(`Viewing ${displayPath(paths.dir)} at ${server.url}  (Ctrl-C to stop)`);
  out.event('view', { run: paths.dir, url: server.url });
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  out.line('viewer stopped');
}
