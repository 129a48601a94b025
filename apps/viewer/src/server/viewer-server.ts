import { createReadStream, existsSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { contentTypeFor } from './content-type';
import { inspectRun, type RunStatus } from './run-status';
import { resolveRunPath } from './run-path';

export interface ViewerServerOptions {
  /** The run folder written by `aekit train` (aekit.json, encoder/, decoder/, metrics.jsonl, images/). */
  runDir: string;
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Loopback only: '127.0.0.1' (default), '::1' or 'localhost'. Anything else is refused. */
  host?: string;
  /** Open the page in the default browser once listening. */
  open?: boolean;
  /** Where terminal messages go (a missing model, a browser that would not open). Default: console.error. */
  log?: (message: string) => void;
  /** The built page (Vite's output). Default: dist/app beside this module. */
  appDir?: string;
}

export interface ViewerServer {
  /** e.g. http://127.0.0.1:5178/ */
  url: string;
  /** The run folder as found at start-up; the page re-reads it from /api/run on every load. */
  run: RunStatus;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Serves the viewer page and the run folder, read-only, on a loopback address.
 *
 * Routes: `/` the built page; `/api/run` the run's {@link RunStatus} as JSON;
 * `/run/<path>` a file inside the run folder (see resolveRunPath for what is
 * refused). Every response carries COOP/COEP so the page is cross-origin
 * isolated and the WASM backend may use threads (SharedArrayBuffer).
 */
export async function startViewerServer(options: ViewerServerOptions): Promise<ViewerServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) {
    throw new Error(
      `viewer server: host must be a loopback address (127.0.0.1, ::1 or localhost) so the run folder is not ` +
        `shared with the network; found "${host}".`,
    );
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`viewer server: port must be an integer in [0, 65535], found ${port}`);
  }
  const log = options.log ?? ((message: string) => console.error(message));
  const runRoot = await resolveRunRoot(options.runDir);
  const appDir = options.appDir ?? findBuiltApp();
  const run = await inspectRun(runRoot);
  if (!run.ok && run.message) log(`aekit view: ${run.message}`);
  for (const warning of run.warnings) log(`aekit view: ${warning}`);

  const app = sirv(appDir, {
    dev: false, // a fixed file list read once: nothing outside the built page can ever match
    etag: true,
    setHeaders(res, pathname) {
      // Vite content-hashes everything under assets/, so those never change; the page itself must.
      res.setHeader('Cache-Control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  let boundPort = port;
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, `viewer server: ${(error as Error).message}`);
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    isolate(res);
    if (!allowedHost(req.headers.host, boundPort)) {
      // A page on another site that rebinds its DNS name to 127.0.0.1 would send its own Host.
      return send(res, 403, `viewer server: refusing Host "${req.headers.host ?? ''}": only loopback names are served`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, `viewer server: read-only; ${req.method} is not allowed`);
    }
    const target = req.url ?? '/';
    if (!target.startsWith('/')) return send(res, 400, 'viewer server: expected an origin-form request target');
    const pathname = target.split(/[?#]/, 1)[0];

    if (pathname === '/api/run') {
      const status = await inspectRun(runRoot);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(status));
      return;
    }
    if (pathname.startsWith('/run/')) {
      const found = await resolveRunPath(runRoot, pathname.slice('/run/'.length));
      if (!found.ok) return send(res, found.status, `viewer server: ${found.reason}`);
      res.writeHead(200, {
        'Content-Type': contentTypeFor(found.file),
        'Content-Length': found.size,
        'Last-Modified': found.mtime.toUTCString(),
        'Cache-Control': 'no-store', // a run can still be training: always read what is on disk
        // Never render a run-folder file as a page on this origin, whatever it contains.
        'Content-Security-Policy': "default-src 'none'; sandbox",
      });
      if (req.method === 'HEAD') return void res.end();
      await new Promise<void>((resolve, reject) => {
        const stream = createReadStream(found.file);
        stream.on('error', reject);
        res.on('close', () => {
          stream.destroy();
          resolve();
        });
        stream.pipe(res);
      });
      return;
    }
    app(req, res, () => send(res, 404, `viewer server: no such page: ${pathname}`));
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`viewer server: port ${port} on ${host} is already in use; pass another --port (0 picks a free one)`));
      } else reject(new Error(`viewer server: cannot listen on ${host}:${port}: ${error.message}`));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  boundPort = (server.address() as AddressInfo).port;
  const url = `http://${host === '::1' ? '[::1]' : host}:${boundPort}/`;

  if (options.open) {
    try {
      const { default: openBrowser } = await import('open');
      await openBrowser(url);
    } catch (error) {
      log(`aekit view: could not open a browser (${(error as Error).message}); open ${url} yourself.`);
    }
  }

  return {
    url,
    run,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Cross-origin isolation (crossOriginIsolated === true) is what lets the WASM backend share memory between threads. */
function isolate(res: http.ServerResponse): void {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

function allowedHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(hostHeader.toLowerCase());
}

function send(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${message}\n`);
}

async function resolveRunRoot(runDir: string): Promise<string> {
  let info;
  try {
    info = await stat(runDir);
  } catch {
    throw new Error(`aekit view: run folder ${path.resolve(runDir)} does not exist; pass a folder written by \`aekit train --out DIR\``);
  }
  if (!info.isDirectory()) {
    throw new Error(`aekit view: ${path.resolve(runDir)} is a file; expected a run folder written by \`aekit train --out DIR\``);
  }
  return realpath(runDir);
}

/**
 * The built page sits at dist/app beside dist/server/index.js; when this
 * module runs from source (tests, dev), it is in the package's dist/app.
 */
function findBuiltApp(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../app'), path.resolve(here, '../../dist/app')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (!found) {
    throw new Error(
      `viewer server: the viewer page is not built (looked for index.html in ${candidates.join(' and ')}); ` +
        'run `npm run build -w @aekit/viewer`',
    );
  }
  return found;
}
