import { backendInfo, type BackendInfo } from './init-backend';

/**
 * One line for start-up logs (CLI, viewer):
 * "backend wasm · SIMD on · 1 thread · tfjs 4.22.0".
 */
export function describeBackend(info: BackendInfo | undefined = backendInfo()): string {
  if (info == null) return 'backend not initialised (call initBackend() first)';
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  return `backend ${info.backend} · SIMD ${info.simd ? 'on' : 'off'} · ${threads} · tfjs ${info.tfjsVersion}`;
}
