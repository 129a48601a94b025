import { readMetrics } from '../metrics.js';
import { writePng } from '../png.js';
import { curvesPlot, type CurvePanel } from '../plot/curves-plot.js';
import type { CommandContext } from '../program.js';
import { RuntimeError } from '../errors.js';
import { displayPath, imagePath, openRunFolder } from '../run-folder.js';
import { runRecordOf, runSubtitle } from '../run-record.js';
import type { EpochMetrics } from '../metrics.js';

export interface CurvesOptions {
  output?: string;
}

export async function runCurves(run: string, opts: CurvesOptions, { out }: CommandContext): Promise<void> {
  const { paths, manifest } = await openRunFolder(run);
  const metrics = await readMetrics(paths.metrics);
  if (metrics.length === 0) {
    throw new RuntimeError(`${displayPath(paths.metrics)}: no epochs recorded yet (train or resume the run first)`);
  }
  const file = opts.output ?? (await imagePath(paths, 'curves.png'));
  const fig = curvesPlot({
    title: 'Loss curves',
    subtitle: runSubtitle(runRecordOf(manifest), metrics.length),
    xLabel: 'epoch',
    panels: curvePanels(metrics),
  });
  await writePng(file, fig);
  out.line(`wrote ${displayPath(file)} (${fig.width}×${fig.height}, ${metrics.length} epochs)`);
  out.event('image', { kind: 'curves', path: file, width: fig.width, height: fig.height });
}

/**
 * One panel per loss term, total first. A model whose only term is its total
 * (a plain autoencoder: total = reconstruction) gets one panel, not two copies.
 */
export function curvePanels(metrics: readonly EpochMetrics[]): CurvePanel[] {
  const terms = new Set<string>();
  for (const m of metrics) for (const k of Object.keys(m.train)) terms.add(k);
  const others = [...terms].filter((t) => t !== 'total');
  const sameAsTotal =
    others.length === 1 && metrics.every((m) => Math.abs((m.train[others[0]] ?? NaN) - m.train.total) <= 1e-9 * Math.max(1, Math.abs(m.train.total)));
  const names = ['total', ...(sameAsTotal ? [] : others)];
  return names.map((term) => {
    const series = [{ label: 'train', points: metrics.map((m) => [m.epoch, m.train[term] ?? NaN] as const) }];
    if (metrics.some((m) => m.validation?.[term] !== undefined)) {
      series.push({
        label: 'validation',
        points: metrics.filter((m) => m.validation?.[term] !== undefined).map((m) => [m.epoch, m.validation![term]] as const),
        dashed: true,
      } as (typeof series)[number]);
    }
    return { title: term === 'total' && sameAsTotal ? `loss (${others[0]})` : term, series };
  });
}
