import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { getRecipe, type Recipe } from '@aekit/models';

import type { Estimate } from './estimate';
import { aekitVersion, describeMachine, machineInfo } from './machine';
import { documentSkeleton, publishedCell, repoRoot, sourceCell, writeAtomic } from './reproduce';
import { formatDuration, parseRow, rowRecipe, upsertReproduction } from './table';

/**
 * Writes a "not yet run" row carrying the estimated time of the full run, for
 * recipes whose reproduction does not fit a session yet. A measured row
 * (complete or partial) is never replaced by an estimate.
 */
export function recordEstimate(estimate: Estimate, options: { out?: string } = {}): boolean {
  const recipe = getRecipe(estimate.recipe) as Recipe;
  const out = resolve(options.out ?? join(repoRoot(), 'docs', 'REPRODUCTION.md'));
  const doc = existsSync(out) ? readFileSync(out, 'utf8') : documentSkeleton();
  const existing = doc.split('\n').find((l) => rowRecipe(l) === recipe.name);
  if (existing && !parseRow(existing).aekit.startsWith('not yet run')) return false;
  const t = recipe.train;
  const row = {
    recipe: `\`${recipe.name}\``,
    source: sourceCell(recipe),
    published: publishedCell(recipe),
    aekit: `not yet run: est. ${formatDuration(estimate.seconds)} (timed over ${estimate.timedBatches} batches)`,
    epochs: `0/${t.epochs}`,
    wallTime: `est. ${formatDuration(estimate.seconds)}`,
    samplesPerSecond: `${Math.round(estimate.samplesPerSecond).toLocaleString('en-US')} (timed)`,
    machine: describeMachine(machineInfo()),
    backend: estimate.backend.replace(/^backend /, ''),
    version: aekitVersion(repoRoot()),
    command: `\`npm run reproduce -- ${recipe.name}\``,
    pictures: '—',
  };
  const details = [
    `### \`${recipe.name}\` — ${recipe.title}`,
    '',
    `Not yet run. Timed ${estimate.timedBatches} batches of ${t.batchSize} at ${Math.round(estimate.samplesPerSecond)} samples/s ` +
      `(${estimate.backend}); ${t.epochs} epochs of the full data plus validation ≈ ${formatDuration(estimate.seconds)}. ` +
      `Run it with \`npm run reproduce -- ${recipe.name}\` (checkpoints every epoch; \`--resume\` continues).`,
  ].join('\n');
  writeAtomic(out, upsertReproduction(doc, row, details));
  return true;
}
