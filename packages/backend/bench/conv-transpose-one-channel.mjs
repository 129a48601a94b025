// Micro-benchmark (not a test) of the conv-transpose to ONE channel at stride 1, the conv VAE's image
// layer (M5: Conv2DTranspose 32 → 1, 3×3, 'same'), i.e. Conv2DBackpropInput(dy [B, 28, 28, 32],
// filter [3, 3, 1, 32]) → [B, 28, 28, 1]:
//   XNNPACK — as before wasm/conv1.wat: one Conv2D with the filter rotated 180° (a GEMM with N = 1);
//   conv1   — the registered kernel now (src/kernels/conv2d-backprop-input.ts → wasm/conv1.wat);
// at batch 128 (a training batch) and 900 (the 30×30 latent grid in one call), plus decodeGrid() of the
// kerasConvVae recipe (n = 30, range 2, as tools/bench's measureGrid), with 1 and 2 XNNPACK threads, each
// thread count in its own process (initBackend runs once per process). Run alone on an idle machine:
//   cd packages/backend && npx tsup && node bench/conv-transpose-one-channel.mjs [--quick]
//   (needs @aekit/models built: cd ../models && npx tsup)
// Fresh operands every repeat, built outside the timed part (tools/bench/src/aekit-timing.mjs: XNNPACK
// caches packed weights per filter tensor, which no training step reuses).
/* global process, performance, console */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const threadsArg = argv.indexOf('--threads');

/** Median and min–max ms of `reps` timed calls of run(make(r)), after `warmup` untimed ones; all outputs disposed. */
function timeAlone(tf, { reps, warmup = 2, make, run }) {
  const times = [];
  for (let r = 0; r < warmup + reps; r++) {
    const operands = make(r);
    const t0 = performance.now();
    const out = run(operands);
    const t = performance.now() - t0;
    tf.dispose([operands, out]);
    if (r >= warmup) times.push(t);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1] };
}

/**
 * The Conv2DBackpropInput kernel as it was before wasm/conv1.wat for a one-channel dx at stride 1 (the
 * Conv2D, XNNPACK, of dy with the filter rotated 180°, [fh, fw, O, 1]); every other call goes to `current`.
 */
function xnnpackOneChannel(tf, current) {
  const conv2d = tf.getKernel('Conv2D', 'wasm').kernelFunc;
  const kernelFunc = (args) => {
    const { dy, filter } = args.inputs;
    const { strides, pad, dimRoundingMode, inputShape } = args.attrs;
    const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
    if (sh !== 1 || sw !== 1 || inputShape[3] !== 1) return current.kernelFunc(args);
    const backend = args.backend;
    const [fh, fw, , o] = filter.shape;
    const g = backend.makeOutput([fh, fw, o, 1], 'float32');
    const w = backend.typedArrayFromHeap(filter);
    const gv = backend.typedArrayFromHeap(g);
    for (let a = 0; a < fh; a++) {
      for (let b = 0; b < fw; b++) gv.set(w.subarray(((fh - 1 - a) * fw + (fw - 1 - b)) * o, ((fh - 1 - a) * fw + (fw - b)) * o), (a * fw + b) * o);
    }
    const { top, left } = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, 1, 1, pad, dimRoundingMode).padInfo;
    const [pt, pl] = [fh - 1 - top, fw - 1 - left];
    const padding = [[0, 0], [pt, inputShape[1] - dy.shape[1] + fh - 1 - pt], [pl, inputShape[2] - dy.shape[2] + fw - 1 - pl], [0, 0]];
    try {
      return conv2d({ inputs: { x: dy, filter: g }, backend, attrs: { strides: [1, 1], dilations: [1, 1], pad: padding, dataFormat: 'NHWC' } });
    } finally {
      backend.disposeData(g.dataId);
    }
  };
  return { ...current, kernelFunc };
}

async function measure(threads) {
  const tf = await import('@tensorflow/tfjs-core');
  const { describeBackend, initBackend } = await import('../dist/index.js');
  const { decodeGrid, recipes } = await import('@aekit/models');
  await initBackend({ threads });
  const ours = tf.getKernel('Conv2DBackpropInput', 'wasm');
  const before = xnnpackOneChannel(tf, ours);
  const use = (config) => {
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel(config);
  };

  const layer = (batch) => {
    const make = (r) => ({
      dy: tf.randomNormal([batch, 28, 28, 32], 0, 1, 'float32', 2 * r + 1),
      filter: tf.randomNormal([3, 3, 1, 32], 0, 0.1, 'float32', 2 * r + 2),
    });
    const run = ({ dy, filter }) =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [batch, 28, 28, 1] });
    return { make, run };
  };
  // Sanity: both paths give the same dx (correctness is the tests' job).
  const check = layer(4).make(0);
  const results = [before, ours].map((config) => {
    use(config);
    return layer(4).run(check);
  });
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(results[0], results[1]))).dataSync()[0]);
  tf.dispose([check, results]);
  if (!(diff < 1e-4)) throw new Error(`conv1 and XNNPACK differ by ${diff}`);

  const out = { threads, description: describeBackend(), layer: {}, grid: {} };
  for (const batch of [128, 900]) {
    const reps = quick ? 3 : batch > 128 ? 9 : 21;
    out.layer[batch] = {};
    for (const [name, config] of [['xnnpack', before], ['conv1', ours]]) {
      use(config);
      out.layer[batch][name] = timeAlone(tf, { reps, ...layer(batch) });
    }
  }
  const model = recipes.kerasConvVae.build({ seed: 1 });
  try {
    for (const [name, config] of [['xnnpack', before], ['conv1', ours]]) {
      use(config);
      const times = [];
      for (let i = 0; i < (quick ? 2 : 7); i++) {
        const t0 = performance.now();
        const grid = decodeGrid(model, { n: 30, range: 2 });
        await grid.image.data();
        grid.image.dispose();
        if (i > 0) times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      out.grid[name] = { median: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1] };
    }
  } finally {
    model.dispose();
    use(ours);
  }
  return out;
}

if (threadsArg >= 0) {
  process.stdout.write(`${JSON.stringify(await measure(Number(argv[threadsArg + 1])))}\n`);
} else {
  const self = fileURLToPath(import.meta.url);
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`node ${process.version}, ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), load average at start ${load()}`);
  const results = [1, 2].map((t) =>
    JSON.parse(
      execFileSync(process.execPath, [self, '--threads', String(t), ...(quick ? ['--quick'] : [])], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    ),
  );
  const fmt = (r) => `${r.median.toFixed(1)} (${r.min.toFixed(1)}–${r.max.toFixed(1)})`;
  const gflops = (batch, r) => ((2 * batch * 28 * 28 * 32 * 9) / (r.median / 1e3) / 1e9).toFixed(1);
  console.log('median ms (min–max), fresh operands every repeat\n');
  console.log('| threads | measurement | XNNPACK (before) | wasm/conv1.wat (after) | speed-up |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    for (const batch of Object.keys(r.layer)) {
      const { xnnpack, conv1 } = r.layer[batch];
      console.log(
        `| ${r.threads} | convT 28×28×32 → 28×28×1, batch ${batch} | ${fmt(xnnpack)}, ${gflops(batch, xnnpack)} GFLOP/s | ` +
          `${fmt(conv1)}, ${gflops(batch, conv1)} GFLOP/s | ×${(xnnpack.median / conv1.median).toFixed(1)} |`,
      );
    }
    console.log(`| ${r.threads} | decodeGrid 30×30, kerasConvVae | ${fmt(r.grid.xnnpack)} | ${fmt(r.grid.conv1)} | ×${(r.grid.xnnpack.median / r.grid.conv1.median).toFixed(2)} |`);
  }
  console.log(`\nload average at end ${load()}`);
}
