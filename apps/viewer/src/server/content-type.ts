import path from 'node:path';

/**
 * Content types for what a run folder holds. Anything else is served as
 * opaque bytes (with nosniff set by the server), and HTML/SVG are never given
 * a type a browser would render as a document on the viewer's origin.
 */
const TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.bin': 'application/octet-stream',
  '.gz': 'application/gzip',
};

export function contentTypeFor(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
