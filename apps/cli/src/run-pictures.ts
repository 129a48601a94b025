import { imageShapeOf, recipes, type Autoencoder, type Recipe } from '@aekit/models';
import { writeFileAtomic } from './atomic-write.js';
import { curvePanels } from './commands/curves.js';
import { loadTestSet } from './data-source.js';
import { readMetrics } from './metrics.js';
import { gridPicture, reconstructionPicture, scatterPicture } from './pictures.js';
import { writePng } from './png.js';
import { curvesPlot } from './plot/curves-plot.js';
import type { CommandContext } from './program.js';
import { imagePath, type RunPaths } from './run-folder.js';
import { runSubtitle, type RunRecord } from './run-record.js';
import { join } from 'node:path';

/**
 * The pictures `aekit train` leaves at the end of a run: reconstructions and
 * loss curves always; for a 2-D latent space also the latent grid and the
 * test-set scatter (plus latents.json, which the viewer draws its scatter from).
 */
export async function writeRunPictures(model: Autoencoder, paths: RunPaths, record: RunRecord, { out }: CommandContext): Promise<string[]> {
  // A recipe's own grid when its source drew one (kerasMlpVae: 30×30 over [−4, 4]; deconvVae: 15×15 at quantiles).
  const recipeGrid = record.model.recipe ? (recipes as Record<string, Recipe | undefined>)[record.model.recipe]?.pictures.grid : undefined;
  const written: string[] = [];
  const subtitle = runSubtitle(record);
  const test = await loadTestSet(record.data);
  const shape = imageShapeOf(model, test.shape);
  const save = async (name: string, fig: Parameters<typeof writePng>[1], kind: string) => {
    const file = await imagePath(paths, name);
    await writePng(file, fig);
    written.push(file);
    out.event('image', { kind, path: file, width: fig.width, height: fig.height });
  };

  if (model.latentDim === 2) {
    const grid = { n: recipeGrid?.n ?? 30, range: recipeGrid?.range ?? 2, quantiles: recipeGrid?.spacing === 'quantile' };
    await save('grid.png', await gridPicture(model, { ...grid, imageShape: shape, subtitle }), 'grid');
    const { figure, latents } = await scatterPicture(model, test, { subtitle });
    await save('scatter.png', figure, 'scatter');
    await writeFileAtomic(join(paths.dir, 'latents.json'), JSON.stringify(latents));
  }
  await save('reconstructions.png', await reconstructionPicture(model, test, { count: 10, start: 0, seed: 1, subtitle }), 'reconstructions');
  const metrics = await readMetrics(paths.metrics);
  if (metrics.length > 0) {
    await save('curves.png', curvesPlot({ title: 'Loss curves', subtitle, xLabel: 'epoch', panels: curvePanels(metrics) }), 'curves');
  }
  return written;
}
