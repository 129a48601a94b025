import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { openRunFolder, prepareRunDestination, runPaths, updateRunRecord } from './run-folder.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-runs-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function fakeRun(dir: string, marker: string): Promise<void> {
  await mkdir(join(dir, 'encoder'), { recursive: true });
  await writeFile(join(dir, 'aekit.json'), JSON.stringify({ kind: 'vae', marker }));
  await writeFile(join(dir, 'encoder', 'model.json'), marker);
}

describe('openRunFolder', () => {
  it('opens a run and says why other paths are not runs (usage errors)', async () => {
    await fakeRun(join(root, 'a'), 'A');
    const { manifest } = await openRunFolder(join(root, 'a'));
    expect(manifest.marker).toBe('A');

    await expect(openRunFolder(join(root, 'missing'))).rejects.toThrow(/no such run folder/);
    await mkdir(join(root, 'empty'));
    await expect(openRunFolder(join(root, 'empty'))).rejects.toThrow(/not an aekit run folder \(no aekit\.json inside\)/);
    await writeFile(join(root, 'file.txt'), 'x');
    await expect(openRunFolder(join(root, 'file.txt'))).rejects.toBeInstanceOf(UsageError);
  });

  it('reports a corrupt aekit.json as a runtime error naming the file', async () => {
    await mkdir(join(root, 'bad'));
    await writeFile(join(root, 'bad', 'aekit.json'), '{not json');
    await expect(openRunFolder(join(root, 'bad'))).rejects.toThrow(/aekit\.json: not valid JSON/);
  });
});

describe('updateRunRecord', () => {
  it('merges into the run record and keeps the model manifest', async () => {
    await fakeRun(join(root, 'a'), 'A');
    const paths = runPaths(join(root, 'a'));
    await updateRunRecord(paths, { status: 'training', epochsCompleted: 0 });
    await updateRunRecord(paths, { epochsCompleted: 2 });
    const manifest = JSON.parse(await readFile(paths.manifest, 'utf8'));
    expect(manifest).toEqual({ kind: 'vae', marker: 'A', provenance: { run: { status: 'training', epochsCompleted: 2 } } });
    expect((await readdir(paths.dir)).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});

describe('prepareRunDestination', () => {
  it('writes a new run in place and removes it when abandoned', async () => {
    const dest = await prepareRunDestination(join(root, 'new'), { force: false });
    expect(dest.dir).toBe(join(root, 'new'));
    await writeFile(join(dest.dir, 'aekit.json'), '{}');
    await dest.abandon();
    expect(await readdir(root)).toEqual([]);
  });

  it('refuses to write over another run without --force, or into a non-run folder at all', async () => {
    await fakeRun(join(root, 'a'), 'A');
    await expect(prepareRunDestination(join(root, 'a'), { force: false })).rejects.toThrow(
      /already holds a run; pass --force to replace it/,
    );
    await mkdir(join(root, 'docs'));
    await writeFile(join(root, 'docs', 'notes.txt'), 'mine');
    await expect(prepareRunDestination(join(root, 'docs'), { force: true })).rejects.toThrow(/not empty and is not an aekit run/);
    expect(await readFile(join(root, 'docs', 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('with --force stages the new run beside the old one: abandon keeps the old run, commit swaps', async () => {
    await fakeRun(join(root, 'a'), 'old');
    const failed = await prepareRunDestination(join(root, 'a'), { force: true });
    expect(failed.dir).not.toBe(join(root, 'a'));
    await fakeRun(failed.dir, 'half');
    await failed.abandon();
    expect(JSON.parse(await readFile(join(root, 'a', 'aekit.json'), 'utf8')).marker).toBe('old');

    const ok = await prepareRunDestination(join(root, 'a'), { force: true });
    await fakeRun(ok.dir, 'new');
    await ok.commit();
    expect(JSON.parse(await readFile(join(root, 'a', 'aekit.json'), 'utf8')).marker).toBe('new');
    expect(await readdir(root)).toEqual(['a']);
  });
});
