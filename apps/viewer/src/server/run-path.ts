import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** A request path inside the run folder, resolved to a real file, or why it was refused. */
export type RunPathResult =
  | { ok: true; file: string; size: number; mtime: Date }
  | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Maps the still percent-encoded part of a URL after `/run/` to a file inside
 * `rootReal` (the run folder, already passed through realpath), refusing
 * anything that could leave it.
 *
 * Each segment is decoded exactly once and checked AFTER decoding, so `%2e%2e`
 * is refused like `..`, and an encoded slash or backslash (`..%2f`, `..%5c`)
 * cannot smuggle a separator past the split. Empty segments (`//etc/passwd`)
 * and absolute or drive-letter segments are refused outright. Last, the path
 * is resolved with realpath and must still lie under the root, so a symlink
 * inside the run folder that points out of it is refused too (symlinks that
 * stay inside are fine).
 */
export async function resolveRunPath(rootReal: string, encodedPath: string): Promise<RunPathResult> {
  if (encodedPath === '') return { ok: false, status: 404, reason: 'no file named (folder listings are not served)' };
  const segments: string[] = [];
  for (const raw of encodedPath.split('/')) {
    if (raw === '') return { ok: false, status: 400, reason: 'empty path segment (a doubled or leading slash)' };
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: `malformed percent-encoding in "${raw}"` };
    }
    if (segment === '.' || segment === '..') {
      return { ok: false, status: 403, reason: 'path leaves the run folder ("." or ".." segment)' };
    }
    if (/[/\\\0]/.test(segment)) {
      return { ok: false, status: 403, reason: 'encoded slash, backslash or NUL in a path segment' };
    }
    if (path.isAbsolute(segment) || /^[A-Za-z]:/.test(segment)) {
      return { ok: false, status: 403, reason: 'absolute path' };
    }
    segments.push(segment);
  }
  let real: string;
  try {
    real = await realpath(path.join(rootReal, ...segments));
  } catch {
    return { ok: false, status: 404, reason: 'no such file in the run folder' };
  }
  if (!isInside(rootReal, real)) {
    return { ok: false, status: 403, reason: 'resolves outside the run folder (symlink)' };
  }
  const info = await stat(real);
  if (!info.isFile()) return { ok: false, status: 404, reason: 'not a file (folder listings are not served)' };
  return { ok: true, file: real, size: info.size, mtime: info.mtime };
}

/** True when `child` is `root` or lies below it; both must be real, normalised paths. */
export function isInside(root: string, child: string): boolean {
  if (child === root) return true;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return child.startsWith(prefix);
}
