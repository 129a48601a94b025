// Command-line options of `npm run bench` (see README.md).
import { parseArgs } from 'node:util';

import { BENCH_MODELS, MODEL_IDS } from './models.mjs';

export const USAGE = `usage: npm run bench -- [options]

  --quick             CI smoke run: 1 warm-up batch + 3 passes of 1 batch per model,
                      one grid decode, no PyTorch unless --torch (no timing asserts)
  --only LIST         models to run, e.g. --only M4 or --only M1,M3,grid (default: M1-M5 and grid)
  --torch             run PyTorch in --quick mode too
  --no-torch          skip PyTorch
  --python PATH       interpreter with torch (default /usr/bin/python3)
  --torch-threads N   PyTorch/OpenBLAS threads (default 2)
  --threads N         aekit: initBackend({ threads: N }) (default: --torch-threads, so both
                      engines get the same cores; 1 with --as-shipped, which has no threads)
  --as-shipped        aekit on tfjs-backend-wasm as shipped: no initBackend(), none of
                      @aekit/backend's kernels (the 'before' of the kernel work; M5 cannot train)
  --parity            instead of timing: train each model one epoch in aekit and PyTorch and
                      compare their test losses (issue 10: within 2 %)
  --gemm              instead of training: time the matrix products of one training step of
                      M1–M4 alone in both engines (the ceiling the matmul engine sets)
  --conv              instead of training: time the convolutions of one M5 training step and of
                      the grid decode alone in both engines (--only M5 or --only grid for one)
  --parity-samples N  training images for --parity (default 60000; 512 with --quick)
  --parity-seeds N    --parity over N seeds (--seed, --seed+1, …), comparing the mean test losses (default 1)
  --passes N          timed passes per model (default 3)
  --warmup N          warm-up batches per model (default 3; 1 with --quick)
  --seed N            model and shuffle seed (default 1)
  --max-load X        before each measurement wait until the 1-min load average is < X
  --max-wait S        …for at most S seconds (default 600), then measure anyway and say so
  --retries N         measure again (up to N times) when other processes took ≥ 0.25 cores
                      during the timed part; keeps the least disturbed (default 2; 0 with --quick)
  --json PATH         where to write the JSON (default results/latest.json; results/quick.json with --quick)
  --help`;

const GRID_ID = 'grid';

/**
 * @param {string[]} argv
 */
export function parseBenchArgs(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean', default: false },
      'as-shipped': { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      torch: { type: 'boolean', default: false },
      'no-torch': { type: 'boolean', default: false },
      python: { type: 'string', default: '/usr/bin/python3' },
      'torch-threads': { type: 'string', default: '2' },
      threads: { type: 'string' },
      parity: { type: 'boolean', default: false },
      'parity-samples': { type: 'string' },
      'parity-seeds': { type: 'string', default: '1' },
      passes: { type: 'string', default: '3' },
      warmup: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'max-load': { type: 'string' },
      'max-wait': { type: 'string', default: '600' },
      retries: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
      gemm: { type: 'boolean', default: false },
      conv: { type: 'boolean', default: false },
    },
  });
  if (values.torch && values['no-torch']) throw new Error('bench: --torch and --no-torch contradict each other');
  if (values.gemm && (values.parity || values['as-shipped'])) throw new Error('bench: --gemm goes alone (not with --parity or --as-shipped)');
  if (values.conv && (values.gemm || values.parity || values['as-shipped'])) throw new Error('bench: --conv goes alone (not with --gemm, --parity or --as-shipped)');
  if (values.parity && values['as-shipped']) throw new Error('bench: --parity compares aekit as it is with PyTorch; drop --as-shipped');
  if (values['parity-samples'] !== undefined && !values.parity) throw new Error('bench: --parity-samples goes with --parity');
  if (values['as-shipped'] && values.threads !== undefined) {
    throw new Error('bench: --threads goes to initBackend(), which --as-shipped does not call');
  }

  let models = [...MODEL_IDS];
  let grid = true;
  if (values.only) {
    const wanted = values.only.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
    if (wanted.length === 0) throw new Error(`bench: --only needs a list such as M4 or M1,grid`);
    for (const w of wanted) {
      if (w.toLowerCase() !== GRID_ID && !MODEL_IDS.includes(w.toUpperCase())) {
        throw new Error(`bench: --only: unknown '${w}'; expected ${MODEL_IDS.join(', ')} or ${GRID_ID}`);
      }
    }
    const upper = new Set(wanted.map((w) => w.toUpperCase()));
    models = BENCH_MODELS.map((m) => m.id).filter((id) => upper.has(id));
    grid = upper.has(GRID_ID.toUpperCase());
  }

  const quick = values.quick;
  return {
    help: values.help,
    quick,
    asShipped: values['as-shipped'],
    parity: values.parity,
    gemm: values.gemm,
    conv: values.conv,
    paritySamples: values['parity-samples'] === undefined ? (quick ? 512 : 60000) : integer('--parity-samples', values['parity-samples'], 1),
    parityTestSamples: quick ? 256 : 10000,
    paritySeeds: integer('--parity-seeds', values['parity-seeds'], 1),
    models,
    grid,
    torch: values['no-torch'] ? false : quick ? values.torch : true,
    python: values.python,
    torchThreads: integer('--torch-threads', values['torch-threads'], 1),
    // The same cores on both sides: aekit's wasm threads default to PyTorch's OpenMP threads.
    threads:
      values.threads !== undefined
        ? integer('--threads', values.threads, 1)
        : values['as-shipped']
          ? undefined
          : integer('--torch-threads', values['torch-threads'], 1),
    passes: integer('--passes', values.passes, 1),
    warmupBatches: values.warmup === undefined ? (quick ? 1 : 3) : integer('--warmup', values.warmup, 0),
    seed: integer('--seed', values.seed, 0),
    maxLoad: values['max-load'] === undefined ? undefined : positive('--max-load', values['max-load']),
    maxWaitMs: integer('--max-wait', values['max-wait'], 0) * 1000,
    retries: values.retries === undefined ? (quick ? 0 : 2) : integer('--retries', values.retries, 0),
    json: values.json,
  };
}

function integer(name, text, min) {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`bench: ${name} must be an integer ≥ ${min}, found '${text}'`);
  return n;
}

function positive(name, text) {
  const n = Number(text);
  if (!(Number.isFinite(n) && n > 0)) throw new Error(`bench: ${name} must be a number > 0, found '${text}'`);
  return n;
}
