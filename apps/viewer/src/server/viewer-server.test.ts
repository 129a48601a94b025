import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewerServer, type ViewerServer } from './viewer-server';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * Sends the request target byte for byte: fetch() and browsers normalise `..`
 * away before sending, which would hide exactly what these tests are about.
 */
function raw(server: ViewerServer, target: string, init: { method?: string; host?: string } = {}): Promise<Reply> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: target,
        method: init.method ?? 'GET',
        headers: { Host: init.host ?? `127.0.0.1:${port}` },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('startViewerServer', () => {
  let tmp: string;
  let runDir: string;
  let appDir: string;
  let server: ViewerServer;
  const logged: string[] = [];

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'aekit-viewer-server-'));
    runDir = path.join(tmp, 'run');
    appDir = path.join(tmp, 'app');
    await mkdir(path.join(runDir, 'decoder'), { recursive: true });
    await mkdir(path.join(runDir, 'encoder'), { recursive: true });
    await mkdir(path.join(runDir, 'images'), { recursive: true });
    await mkdir(appDir);
    await writeFile(path.join(appDir, 'index.html'), '<!doctype html><title>viewer</title>');
    await writeFile(path.join(runDir, 'aekit.json'), JSON.stringify({ kind: 'vae', latentDim: 2 }));
    await writeFile(path.join(runDir, 'decoder', 'model.json'), '{"format":"layers-model"}');
    await writeFile(path.join(runDir, 'decoder', 'weights.bin'), Buffer.from([1, 2, 3, 4]));
    await writeFile(path.join(runDir, 'encoder', 'model.json'), '{"format":"layers-model"}');
    await writeFile(path.join(runDir, 'images', 'grid.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    await writeFile(path.join(runDir, 'notes.html'), '<script>alert(1)</script>');
    await writeFile(path.join(runDir, '%2e%2e'), 'a file literally named %2e%2e');
    // Outside the run folder: what traversal would reach.
    await writeFile(path.join(tmp, 'secret.txt'), 'SECRET');
    await symlink(path.join(tmp, 'secret.txt'), path.join(runDir, 'link-out.txt'));
    await symlink(tmp, path.join(runDir, 'dir-out'));
    await symlink(path.join(runDir, 'aekit.json'), path.join(runDir, 'link-in.json'));
    server = await startViewerServer({ runDir, appDir, log: (m) => logged.push(m) });
  });

  afterAll(async () => {
    await server?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.run.ok).toBe(true);
    expect(logged).toEqual([]);
  });

  it('refuses a non-loopback host', async () => {
    await expect(startViewerServer({ runDir, appDir, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });

  it('serves files inside the run folder with COOP/COEP', async () => {
    const reply = await raw(server, '/run/aekit.json');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ kind: 'vae', latentDim: 2 });
    expect(reply.headers['content-type']).toMatch(/application\/json/);
    expect(reply.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(reply.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect((await raw(server, '/run/decoder/weights.bin')).body.length).toBe(4);
    expect((await raw(server, '/run/images/grid.png')).headers['content-type']).toBe('image/png');
  });

  it('serves the page and /api/run', async () => {
    const page = await raw(server, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>viewer</title>');
    expect(page.headers['cross-origin-embedder-policy']).toBe('require-corp');
    const status = JSON.parse((await raw(server, '/api/run')).body);
    expect(status).toMatchObject({
      name: 'run',
      ok: true,
      files: { manifest: 'aekit.json', decoder: 'decoder/model.json', encoder: 'encoder/model.json', images: ['images/grid.png'] },
    });
  });

  it.each([
    ['..', '/run/../secret.txt'],
    ['.. deeper', '/run/decoder/../../secret.txt'],
    ['%2e%2e', '/run/%2e%2e/secret.txt'],
    ['%2E%2E upper case', '/run/%2E%2E/secret.txt'],
    ['mixed .%2e', '/run/.%2e/secret.txt'],
    ['encoded slash ..%2f', '/run/..%2fsecret.txt'],
    ['encoded backslash ..%5c', '/run/..%5csecret.txt'],
    ['backslash', '/run/..\\secret.txt'],
    ['NUL', '/run/aekit.json%00.png'],
    ['encoded absolute path', '/run/%2Fetc%2Fpasswd'],
    ['drive letter', '/run/C:%5CWindows%5Cwin.ini'],
  ])('refuses traversal: %s', async (_name, target) => {
    const reply = await raw(server, target);
    expect([400, 403]).toContain(reply.status);
    expect(reply.body).not.toContain('SECRET');
  });

  it('refuses absolute paths to a real file outside, plain or encoded', async () => {
    const secret = path.join(tmp, 'secret.txt');
    for (const target of [`/run/${secret}`, `/run/${encodeURIComponent(secret)}`]) {
      const reply = await raw(server, target);
      expect([400, 403]).toContain(reply.status);
      expect(reply.body).not.toContain('SECRET');
    }
  });

  it('refuses an absolute-form request target', async () => {
    const reply = await raw(server, `http://127.0.0.1/run/../secret.txt`);
    expect(reply.status).toBe(400);
  });

  it('refuses symlinks that point out of the run folder, follows those inside', async () => {
    const file = await raw(server, '/run/link-out.txt');
    expect(file.status).toBe(403);
    expect(file.body).toMatch(/outside the run folder/);
    expect(file.body).not.toContain('SECRET');
    const dir = await raw(server, '/run/dir-out/secret.txt');
    expect(dir.status).toBe(403);
    expect(dir.body).not.toContain('SECRET');
    const inside = await raw(server, '/run/link-in.json');
    expect(inside.status).toBe(200);
  });

  it('decodes once: %252e%252e names a file literally called %2e%2e', async () => {
    const reply = await raw(server, '/run/%252e%252e');
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('a file literally named %2e%2e');
  });

  it('does not list folders and 404s missing files', async () => {
    expect((await raw(server, '/run/')).status).toBe(404);
    expect((await raw(server, '/run/decoder')).status).toBe(404);
    expect((await raw(server, '/run/nope.json')).status).toBe(404);
  });

  it('never lets a run-folder file render as a page', async () => {
    const reply = await raw(server, '/run/notes.html');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/octet-stream');
    expect(reply.headers['content-security-policy']).toContain('sandbox');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });

  it('is read-only', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const reply = await raw(server, '/run/aekit.json', { method });
      expect(reply.status).toBe(405);
      expect(reply.headers.allow).toBe('GET, HEAD');
    }
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const reply = await raw(server, '/run/aekit.json', { host: 'evil.example:80' });
    expect(reply.status).toBe(403);
  });

  it('says clearly, in the terminal and /api/run, when the folder has no model', async () => {
    const empty = path.join(tmp, 'empty-run');
    await mkdir(empty);
    await writeFile(path.join(empty, 'metrics.jsonl'), '{"epoch":1,"loss":1}\n');
    const messages: string[] = [];
    const other = await startViewerServer({ runDir: empty, appDir, log: (m) => messages.push(m) });
    try {
      expect(messages.join('\n')).toMatch(/has no model to show: expected decoder\/model\.json/);
      const status = JSON.parse((await raw(other, '/api/run')).body);
      expect(status.ok).toBe(false);
      expect(status.message).toMatch(/has no model to show/);
      expect(status.message).toMatch(/metrics\.jsonl/);
    } finally {
      await other.close();
    }
  });

  it('rejects a run folder that does not exist, and a busy port', async () => {
    await expect(startViewerServer({ runDir: path.join(tmp, 'missing'), appDir })).rejects.toThrow(/does not exist/);
    const busy = Number(new URL(server.url).port);
    await expect(startViewerServer({ runDir, appDir, port: busy })).rejects.toThrow(/already in use/);
  });

  it('cannot be reached through a non-loopback interface', async () => {
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (!external) return; // a machine with loopback only has nothing to test here
    const { port } = new URL(server.url);
    const outcome = await new Promise<string>((resolve) => {
      const req = http.get({ host: external, port, path: '/run/aekit.json', timeout: 2000 }, () => resolve('connected'));
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      req.on('timeout', () => {
        req.destroy();
        resolve('timeout');
      });
    });
    expect(outcome).not.toBe('connected');
  });
});
