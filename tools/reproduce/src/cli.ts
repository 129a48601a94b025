#!/usr/bin/env node
// `npm run reproduce -- RECIPE [--quick] [--resume] [--fresh] [--estimate] [--out FILE]`
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { RECIPE_NAMES, getRecipe } from '@aekit/models';

import { estimateReproduction } from './estimate';
import { recordEstimate } from './record-estimate';
import { reproduce } from './reproduce';

const USAGE = `usage: npm run reproduce -- RECIPE... [options]
       npm run reproduce -- --all --quick

Trains each recipe at its source's full settings (fixed seed, checkpoint every
epoch in runs/reproduce/RECIPE), measures it as the source did, draws its
pictures and writes its row in docs/REPRODUCTION.md.

options:
  --quick        CI size: ${'a few hundred images, one epoch'}; writes to a temp folder, never docs/
  --resume       continue the run folder's checkpoint
  --fresh        discard the run folder's checkpoint and start over
  --estimate     time a few batches and record "not yet run: est. …" instead of training
  --all          every recipe (${RECIPE_NAMES.join(', ')})
  --out FILE     the table to write (default docs/REPRODUCTION.md; --quick: a temp file)
  --seed N       default 1
  -h, --help`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      quick: { type: 'boolean' },
      resume: { type: 'boolean' },
      fresh: { type: 'boolean' },
      estimate: { type: 'boolean' },
      all: { type: 'boolean' },
      out: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const names = values.all ? [...RECIPE_NAMES] : positionals;
  if (names.length === 0) {
    console.error(`reproduce: name a recipe (or --all)\n\n${USAGE}`);
    return 2;
  }
  for (const n of names) getRecipe(n); // unknown names fail before anything trains
  if (values.resume && values.fresh) throw new Error('reproduce: --resume and --fresh contradict each other; pass one');
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new Error(`reproduce: --seed must be an integer, found ${values.seed}`);

  if (values.estimate) {
    for (const name of names) {
      const estimate = await estimateReproduction(name, { log: console.log });
      const written = recordEstimate(estimate, { out: values.out });
      console.log(written ? `${name}: recorded the estimate` : `${name}: already measured; estimate not recorded`);
    }
    return 0;
  }

  // --quick never touches docs/ or runs/: a scratch folder per invocation.
  const scratch = values.quick ? mkdtempSync(join(tmpdir(), 'aekit-reproduce-')) : undefined;
  const out = values.out ?? (scratch ? join(scratch, 'REPRODUCTION.md') : undefined);
  const controller = new AbortController();
  const stop = (signal: string) => {
    if (controller.signal.aborted) process.exit(130); // second Ctrl-C: leave now
    console.log(`reproduce: ${signal}: stopping after this batch and saving a checkpoint (again to quit at once)`);
    controller.abort(new Error(signal));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  let failed = 0;
  for (const name of names) {
    if (controller.signal.aborted) break;
    const command = `npm run reproduce -- ${name}${values.quick ? ' --quick' : ''}`;
    const r = await reproduce(name, {
      quick: values.quick,
      resume: values.resume,
      fresh: values.fresh,
      signal: controller.signal,
      command,
      ...(seed !== undefined ? { seed } : {}),
      ...(out ? { out } : {}),
      ...(scratch ? { runDir: join(scratch, 'runs', name) } : {}),
    });
    if (r.comparison && !r.comparison.within) failed++;
  }
  if (scratch) console.log(`reproduce: quick results in ${out}`);
  return controller.signal.aborted ? 130 : failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
