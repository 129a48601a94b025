export { startViewerServer, type ViewerServer, type ViewerServerOptions } from './viewer-server';
export { inspectRun, type RunStatus, type RunFiles } from './run-status';
