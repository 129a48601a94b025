// Benchmark (not a test) of AekitConv2DTranspose — conv-transpose + bias + activation in one kernel,
// src/kernels/conv2d-transpose.ts — against tfjs-layers' own Conv2DTranspose.call (conv2dTranspose on our
// Conv2DBackpropInput, then an Add kernel for the bias and a kernel for the activation):
//   decodeGrid() of the kerasConvVae recipe (issue 10's M5 decoder; n = 30, range 2, as tools/bench's
//   measureGrid with its GRID constants), which @aekit/layers' accelerate() routes to the kernel;
//   each decoder layer alone at the decode chunk's batch (256 codes);
//   "interleave": how the stride-2 layers' four phase results are put in place (src/kernels/
//   conv2d-backprop-input.ts, interleavePhases): a Concat on axis 0 and two Transposes, against
//   the Concat on the channel axis and one Transpose used before.
// "unfused" is the same process with the kernel unregistered: @aekit/layers then keeps tfjs's call.
// Both are interleaved repeat by repeat, in alternating order (drift on a shared machine, and whatever
// the first of a pair leaves behind in the heap, hit both alike). 1 and 2 XNNPACK
// threads, each in its own process (initBackend runs once per process). With --baseline DIR, a third
// column: decodeGrid() on another build of this package (DIR/index.js, e.g. dist/ of an earlier commit,
// built in a folder under this one so that it finds the same node_modules), in a process of its own.
// Run alone on an idle machine:
//   cd packages/backend && npx tsup && (cd ../layers && npx tsup) && (cd ../models && npx tsup)
//   node bench/conv-transpose-fused.mjs [--quick] [--baseline DIR]
/* global process, performance, console */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const threadsArg = argv.indexOf('--threads');
const baselineArg = argv.indexOf('--baseline');
const baseline = baselineArg >= 0 ? argv[baselineArg + 1] : null;
const KERNEL = 'AekitConv2DTranspose';
/** tools/bench/src/models.mjs GRID: a 30×30 grid over [−2, 2]². */
const GRID = { n: 30, range: 2 };

const summary = (times) => {
  const t = [...times].sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)], min: t[0], max: t[t.length - 1] };
};

/** decodeGrid() alone on another build (no AekitConv2DTranspose there, or not used). */
async function measureBaseline(threads, dir) {
  const tf = await import('@tensorflow/tfjs-core');
  const { initBackend } = await import(pathToFileURL(path.resolve(dir, 'index.js')).href);
  const { decodeGrid, recipes } = await import('@aekit/models');
  await initBackend({ threads });
  if (tf.getKernel(KERNEL, 'wasm') != null) tf.unregisterKernel(KERNEL, 'wasm');
  const model = recipes.kerasConvVae.build({ seed: 1 });
  try {
    const times = [];
    for (let r = 0; r < 2 + (quick ? 3 : 15); r++) {
      const t0 = performance.now();
      const image = decodeGrid(model, GRID).image;
      await image.data();
      image.dispose();
      if (r >= 2) times.push(performance.now() - t0);
    }
    return summary(times);
  } finally {
    model.dispose();
  }
}

async function measure(threads) {
  const tf = await import('@tensorflow/tfjs-core');
  const { describeBackend, initBackend } = await import('../dist/index.js');
  const { decodeGrid, recipes } = await import('@aekit/models');
  await initBackend({ threads });
  const fused = tf.getKernel(KERNEL, 'wasm');
  if (fused == null) throw new Error(`${KERNEL} is not registered: is dist/ built from this source (npx tsup)?`);
  const modes = {
    unfused: () => tf.getKernel(KERNEL, 'wasm') != null && tf.unregisterKernel(KERNEL, 'wasm'),
    fused: () => tf.getKernel(KERNEL, 'wasm') ?? tf.registerKernel(fused),
  };
  const out = { threads, description: describeBackend(), grid: {}, kernels: {}, layers: {} };
  const model = recipes.kerasConvVae.build({ seed: 1 });
  try {
    const decode = () => decodeGrid(model, GRID).image;
    // Same pictures both ways, and what each runs.
    const images = {};
    for (const [mode, use] of Object.entries(modes)) {
      use();
      images[mode] = decode();
      const profile = await tf.profile(() => tf.dispose(decode()));
      const counts = {};
      for (const k of profile.kernels) counts[k.name] = (counts[k.name] ?? 0) + 1;
      out.kernels[mode] = counts;
    }
    out.maxDifference = tf.tidy(() => tf.max(tf.abs(tf.sub(images.fused, images.unfused))).dataSync()[0]);
    tf.dispose(Object.values(images));
    if (!(out.maxDifference < 1e-5)) throw new Error(`fused and unfused grids differ by ${out.maxDifference}`);

    const times = { unfused: [], fused: [] };
    const reps = quick ? 3 : 15;
    for (let r = 0; r < 2 + reps; r++) {
      for (const [mode, use] of ordered(modes, r)) {
        use();
        const t0 = performance.now();
        const image = decode();
        await image.data();
        image.dispose();
        if (r >= 2) times[mode].push(performance.now() - t0);
      }
    }
    for (const mode of Object.keys(modes)) out.grid[mode] = summary(times[mode]);

    out.interleave = measureInterleave(tf, quick ? 3 : 21);

    // Each Conv2DTranspose of the decoder alone, on a 256-code chunk (decodeGrid's DECODE_CHUNK).
    const convs = model.decoder.layers.filter((l) => l.getClassName() === 'Conv2DTranspose');
    for (const layer of convs) {
      const input = tf.randomUniform([256, ...inShape(layer)], 0, 1, 'float32', 3);
      const label = `${layer.name} [${input.shape}] → [${layer.computeOutputShape(input.shape)}] ${layer.activation.getClassName()}`;
      const layerTimes = { unfused: [], fused: [] };
      for (let r = 0; r < 2 + (quick ? 3 : 21); r++) {
        for (const [mode, use] of ordered(modes, r)) {
          use();
          const t0 = performance.now();
          const y = layer.apply(input);
          y.dataSync();
          if (r >= 2) layerTimes[mode].push(performance.now() - t0);
          y.dispose();
        }
      }
      out.layers[label] = { unfused: summary(layerTimes.unfused), fused: summary(layerTimes.fused) };
      input.dispose();
    }
  } finally {
    modes.fused();
    model.dispose();
  }
  return out;
}

/**
 * The sub-pixel interleave of 2 × 2 phase results [B, Q, P, C] into [B, 2Q, 2P, C] with the wasm
 * backend's kernels, both ways (same result checked), for the decoder's two stride-2 layers at B = 256.
 */
function measureInterleave(tf, reps) {
  const backend = tf.backend();
  const run = (name, inputs, attrs) => tf.getKernel(name, 'wasm').kernelFunc({ inputs, backend, attrs });
  const view = (t, shape) => ({ dataId: t.dataId, shape, dtype: t.dtype });
  const result = {};
  for (const [b, q, c] of [[256, 7, 64], [256, 14, 32]]) {
    const parts = [0, 1, 2, 3].map((i) => tf.randomNormal([b, q, q, c], 0, 1, 'float32', i));
    const ways = {
      before: () => {
        const cat = run('Concat', parts, { axis: 3 });
        const y = run('Transpose', { x: view(cat, [b, q, q, 2, 2, c]) }, { perm: [0, 1, 3, 2, 4, 5] });
        backend.disposeData(cat.dataId);
        return y;
      },
      after: () => {
        const cat = run('Concat', parts.map((t) => view(t, [1, b * q * q * c])), { axis: 0 });
        const columns = run('Transpose', { x: view(cat, [2, 2, b * q, q, c]) }, { perm: [0, 2, 3, 1, 4] });
        backend.disposeData(cat.dataId);
        const y = run('Transpose', { x: view(columns, [2, b * q, 2 * q * c]) }, { perm: [1, 0, 2] });
        backend.disposeData(columns.dataId);
        return y;
      },
    };
    const [x, y] = [ways.before(), ways.after()];
    const [u, v] = [backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(y)];
    const same = u.length === v.length && u.every((value, i) => value === v[i]);
    backend.disposeData(x.dataId);
    backend.disposeData(y.dataId);
    if (!same) throw new Error(`interleave [${b}, ${q}, ${q}, ${c}]: the two ways differ`);
    const times = { before: [], after: [] };
    for (let r = 0; r < 2 + reps; r++) {
      for (const [way, f] of ordered(ways, r)) {
        const t0 = performance.now();
        const out = f();
        if (r >= 2) times[way].push(performance.now() - t0);
        backend.disposeData(out.dataId);
      }
    }
    result[`4 × [${b}, ${q}, ${q}, ${c}] → [${b}, ${2 * q}, ${2 * q}, ${c}]`] = { before: summary(times.before), after: summary(times.after) };
    tf.dispose(parts);
  }
  return result;
}

/** The modes in turn, reversed every other repeat. */
function ordered(modes, r) {
  const entries = Object.entries(modes);
  return r % 2 === 0 ? entries : entries.reverse();
}

/** A layer's per-sample input shape, from the symbolic tensor it was built on. */
function inShape(layer) {
  return layer.inboundNodes[0].inputTensors[0].shape.slice(1);
}

if (threadsArg >= 0) {
  const threads = Number(argv[threadsArg + 1]);
  process.stdout.write(`${JSON.stringify(baseline ? await measureBaseline(threads, baseline) : await measure(threads))}\n`);
} else {
  const self = fileURLToPath(import.meta.url);
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`node ${process.version}, ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), load average at start ${load()}`);
  const child = (t, extra = []) =>
    JSON.parse(
      execFileSync(process.execPath, [self, '--threads', String(t), ...(quick ? ['--quick'] : []), ...extra], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
  const results = [1, 2].map((t) => ({ ...child(t), baseline: baseline ? child(t, ['--baseline', baseline]) : null }));
  const fmt = (r) => `${r.median.toFixed(1)} (${r.min.toFixed(1)}–${r.max.toFixed(1)})`;
  const counted = (counts, names) => names.map((n) => `${n} ${counts[n] ?? 0}`).join(', ');
  console.log('median ms (min–max); unfused = tfjs-layers\' call (conv-transpose, Add, activation), fused = AekitConv2DTranspose\n');
  if (baseline) console.log(`baseline = ${baseline}\n`);
  console.log(`| threads | measurement |${baseline ? ' baseline |' : ''} unfused | fused | speed-up |`);
  console.log(`|---|---|${baseline ? '---|' : ''}---|---|---|`);
  for (const r of results) {
    for (const [label, t] of Object.entries(r.layers)) {
      console.log(`| ${r.threads} | ${label} |${baseline ? ' |' : ''} ${fmt(t.unfused)} | ${fmt(t.fused)} | ×${(t.unfused.median / t.fused.median).toFixed(2)} |`);
    }
    for (const [label, t] of Object.entries(r.interleave)) {
      console.log(
        `| ${r.threads} | interleave ${label}: before (Concat axis 3 + Transpose) → after (Concat axis 0 + 2 Transposes) |` +
          `${baseline ? ' |' : ''} ${fmt(t.before)} | ${fmt(t.after)} | ×${(t.before.median / t.after.median).toFixed(2)} |`,
      );
    }
    const from = r.baseline ?? r.grid.unfused;
    console.log(
      `| ${r.threads} | decodeGrid 30×30, kerasConvVae |${r.baseline ? ` ${fmt(r.baseline)} |` : ''} ${fmt(r.grid.unfused)} | ${fmt(r.grid.fused)} | ` +
        `×${(from.median / r.grid.fused.median).toFixed(2)} |`,
    );
  }
  const names = ['Conv2DBackpropInput', KERNEL, 'Add', 'Relu', 'Sigmoid'];
  console.log(`\nkernels in one decodeGrid: unfused ${counted(results[0].kernels.unfused, names)}; fused ${counted(results[0].kernels.fused, names)}`);
  console.log(`largest pixel difference fused vs unfused: ${Math.max(...results.map((r) => r.maxDifference)).toExponential(2)}`);
  console.log(`load average at end ${load()}`);
}
