import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { formatCount, formatTerms } from '../format.js';
import { readMetrics } from '../metrics.js';
import type { CommandContext } from '../program.js';
import { displayPath, openRunFolder } from '../run-folder.js';
import { runRecordOf } from '../run-record.js';

/** What a run holds, read from its files alone (no backend needed): model, data, training, losses, pictures. */
export async function runInfo(run: string, { out }: CommandContext): Promise<void> {
  const { paths, manifest } = await openRunFolder(run);
  const record = runRecordOf(manifest);
  const metrics = await readMetrics(paths.metrics);
  const checkpoint = await readFile(join(paths.checkpoints, 'latest.json'), 'utf8')
    .then((t) => JSON.parse(t) as { epoch?: number; batch?: number; step?: number; createdAt?: string })
    .catch(() => undefined);
  const images = await readdir(paths.images).then((f) => f.filter((n) => n.endsWith('.png')).sort(), () => [] as string[]);
  const parameters = manifest.parameters as { encoder?: { total?: number }; decoder?: { total?: number } } | undefined;
  const last = metrics.at(-1);

  const rows: Array<[string, string]> = [['run', displayPath(paths.dir)]];
  rows.push(['model', `${record?.model.description ?? '(not trained by aekit train)'} · ${String(manifest.kind)} · latent ${String(manifest.latentDim)} · input [${(manifest.inputShape as number[] | undefined)?.join(', ') ?? '?'}]`]);
  if (parameters?.encoder?.total !== undefined && parameters.decoder?.total !== undefined) {
    rows.push(['parameters', `encoder ${formatCount(parameters.encoder.total)} · decoder ${formatCount(parameters.decoder.total)}`]);
  }
  if (record) {
    const t = record.train;
    rows.push(['data', record.data.description]);
    rows.push(['training', `${t.optimizer}${t.learningRate !== undefined ? ` ${t.learningRate}` : ''} · batch ${t.batchSize} · seed ${t.seed}${t.noise ? ` · noise ${JSON.stringify(t.noise)}` : ''}`]);
    rows.push(['status', `${record.status} · ${record.epochsCompleted}/${t.epochs} epochs${record.message ? ` · ${record.message}` : ''}`]);
    rows.push(['backend', record.backend]);
  }
  const seconds = metrics.reduce((s, m) => s + (m.seconds ?? 0), 0);
  if (last) {
    rows.push(['final train', formatTerms(last.train)]);
    if (last.validation) rows.push(['final validation', formatTerms(last.validation)]);
    if (seconds > 0) rows.push(['time', `${seconds.toFixed(1)} s training (${metrics.length} epochs)`]);
  }
  if (checkpoint) {
    const hint =
      record?.status === 'completed'
        ? `train further: aekit train --resume ${displayPath(paths.dir)} --epochs N`
        : `resume: aekit train --resume ${displayPath(paths.dir)}`;
    rows.push(['checkpoint', `epoch ${checkpoint.epoch ?? '?'}${checkpoint.batch ? `, batch ${checkpoint.batch}` : ''} (${hint})`]);
  }
  if (images.length) rows.push(['images', images.join(', ')]);
  const modified = await stat(paths.manifest).then((s) => s.mtime.toISOString());
  rows.push(['saved', modified]);

  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) out.line(`${k.padEnd(width)}  ${v}`);
  out.event('info', {
    run: paths.dir,
    kind: manifest.kind,
    latentDim: manifest.latentDim,
    inputShape: manifest.inputShape,
    parameters: manifest.parameters,
    record: record ?? null,
    epochs: metrics.length,
    final: last ? { train: last.train, validation: last.validation ?? null } : null,
    checkpoint: checkpoint ?? null,
    images,
  });
}
