// `npm run bench -- --conv`: the convolutions of one training step of the conv
// VAE M5 and of the 30×30 grid decode, each timed alone in both engines — what
// `--gemm` is for the dense models. The time aekit needs for these kernels alone
// bounds the ratio it can reach: even with every other kernel free, its M5 step
// (or grid decode) cannot be shorter.
import path from 'node:path';

import { runAekit } from './aekit-runner.mjs';
import { NOISY_OTHERS, measureQuietly } from './measure.mjs';
import { BENCH_MODELS, GRID } from './models.mjs';
import { consoleIo, formatNumber, writeJsonAtomic } from './report.mjs';
import { describeMachine, RESULTS_DIR } from './run.mjs';
import { runTorch, setUpTorch } from './torch-runner.mjs';

/**
 * @typedef {object} ConvLayer
 * @property {string} name
 * @property {'conv' | 'convT'} kind     Conv2D or Conv2DTranspose, 'same' padding
 * @property {[number, number, number]} input   [h, w, channels] (NHWC, without the batch)
 * @property {[number, number, number]} output
 * @property {number} kernel             square kernel size
 * @property {number} stride
 * @property {boolean} [readsData]       the first layer: training needs no gradient w.r.t. its input
 */

/**
 * M5's convolutions (recipes.kerasConvVae → zoo/conv-stack.ts in @aekit/models:
 * keras.io's conv VAE). Between enc2 and dec1 sit Flatten → Dense 16 → z heads
 * → Dense 7·7·64 → Reshape, which are not convolutions.
 *
 * @type {readonly ConvLayer[]}
 */
export const M5_CONV_LAYERS = Object.freeze([
  { name: 'enc1 Conv 1→32 s2', kind: 'conv', input: [28, 28, 1], output: [14, 14, 32], kernel: 3, stride: 2, readsData: true },
  { name: 'enc2 Conv 32→64 s2', kind: 'conv', input: [14, 14, 32], output: [7, 7, 64], kernel: 3, stride: 2 },
  { name: 'dec1 ConvT 64→64 s2', kind: 'convT', input: [7, 7, 64], output: [14, 14, 64], kernel: 3, stride: 2 },
  { name: 'dec2 ConvT 64→32 s2', kind: 'convT', input: [14, 14, 64], output: [28, 28, 32], kernel: 3, stride: 2 },
  { name: 'dec3 ConvT 32→1 s1', kind: 'convT', input: [28, 28, 32], output: [28, 28, 1], kernel: 3, stride: 1 },
]);

/** Trainable parameters of the conv layers (weights + biases): the rest of M5's 134,165 are its Dense layers. */
export function convParameters(layers = M5_CONV_LAYERS) {
  return layers.reduce((s, l) => s + l.kernel * l.kernel * l.input[2] * l.output[2] + l.output[2], 0);
}

/**
 * @typedef {object} ConvOp
 * @property {string} group   'M5' or 'grid'
 * @property {ConvLayer} layer
 * @property {'forward' | 'dW' | 'dx'} role
 * @property {number} batch
 */

/**
 * The convolution kernels one training step of M5 runs, in the order it runs
 * them: every layer's forward, then backwards from the output its input
 * gradient (dx, except for the layer that reads the data) and weight gradient
 * (dW). Bias gradients are sums, not convolutions (as `--gemm` leaves them out).
 *
 * @returns {ConvOp[]}
 */
export function trainingConvs(batch = BENCH_MODELS.find((m) => m.id === 'M5').batchSize) {
  const ops = M5_CONV_LAYERS.map((layer) => ({ group: 'M5', layer, role: /** @type {const} */ ('forward'), batch }));
  for (const layer of [...M5_CONV_LAYERS].reverse()) {
    if (!layer.readsData) ops.push({ group: 'M5', layer, role: 'dx', batch });
    ops.push({ group: 'M5', layer, role: 'dW', batch });
  }
  return ops;
}

/** The grid decode's convolutions: the decoder's three conv-transposes on n² codes in one batch. */
export function gridConvs(n = GRID.n) {
  return M5_CONV_LAYERS.filter((l) => l.kind === 'convT').map((layer) => ({ group: 'grid', layer, role: /** @type {const} */ ('forward'), batch: n * n }));
}

/**
 * What the tfjs tape runs for an op, NHWC. Every layer is a convolution
 * between a large side (a conv's input, a conv-transpose's output) and a small
 * side, with a filter [k, k, large channels, small channels] in both cases
 * (tfjs keeps a conv-transpose's filter as [k, k, out, in]). Conv2D maps large
 * → small, Conv2DBackpropInput small → large, Conv2DBackpropFilter (large,
 * small) → filter; a conv-transpose's forward is Conv2DBackpropInput and its
 * input gradient a Conv2D (tfjs-core's Conv2DBackpropInput gradient).
 *
 * @param {ConvOp} op
 * @returns {{ kernel: 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter', inputs: Record<string, number[]>, outputShape: number[], attrs: Record<string, unknown> }}
 */
export function tfjsKernel(op) {
  const { layer, batch } = op;
  const [large, small] = layer.kind === 'conv' ? [layer.input, layer.output] : [layer.output, layer.input];
  const x = [batch, ...large];
  const y = [batch, ...small];
  const filter = [layer.kernel, layer.kernel, large[2], small[2]];
  const attrs = { strides: layer.stride, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };
  const role = op.role === 'dW' ? 'filter' : (op.role === 'forward') === (layer.kind === 'conv') ? 'down' : 'up';
  if (role === 'filter') return { kernel: 'Conv2DBackpropFilter', inputs: { x, dy: y }, outputShape: filter, attrs: { ...attrs, filterShape: filter } };
  if (role === 'down') return { kernel: 'Conv2D', inputs: { x, filter }, outputShape: y, attrs: { ...attrs, dilations: 1 } };
  return { kernel: 'Conv2DBackpropInput', inputs: { dy: y, filter }, outputShape: x, attrs: { ...attrs, inputShape: x } };
}

/** Multiply-adds ×2 of the convolution (padding taps counted): the same for its forward, dW and dx. */
export function convFlops(op) {
  const { layer, batch } = op;
  const small = layer.kind === 'conv' ? layer.output : layer.input;
  const large = layer.kind === 'conv' ? layer.input : layer.output;
  return 2 * batch * small[0] * small[1] * layer.kernel * layer.kernel * large[2] * small[2];
}

/** 'dec2 ConvT 64→32 s2 dW' */
export const opLabel = (op) => `${op.layer.name} ${op.role}`;

/**
 * @param {ReturnType<typeof import('./args.mjs').parseBenchArgs>} options
 * @param {{ log?: (line: string) => void, print?: (text: string) => void }} [io]
 */
export async function runConv(options, io = {}) {
  const { log, print } = consoleIo(io);
  const warnings = [];
  const reps = options.quick ? 3 : 30;
  const gridN = options.quick ? GRID.quickN : GRID.n;
  const groups = [];
  if (options.models.includes('M5')) groups.push({ id: 'M5', title: `M5 training step, batch ${trainingConvs()[0].batch}`, ops: trainingConvs() });
  if (options.grid) groups.push({ id: 'grid', title: `grid decode ${gridN}×${gridN}, batch ${gridN * gridN}`, ops: gridConvs(gridN) });
  if (groups.length === 0) throw new Error('bench --conv: measures M5 and the grid; --only selected neither');

  const { torchSetup, torch } = await setUpTorch(options, warnings);
  let failed = false;
  const measure = async (label, run) => {
    const m = await measureQuietly({
      label,
      run,
      describe: (r) => `${r.ms.reduce((s, x) => s + x, 0).toFixed(1)} ms in ${r.ms.length} kernels`,
      retries: options.retries,
      maxLoad: options.maxLoad,
      maxWaitMs: options.maxWaitMs,
      log,
    });
    warnings.push(...m.warnings);
    if (m.result.error) failed = true;
    else if ((m.result.contention?.otherCores ?? 0) >= NOISY_OTHERS) {
      warnings.push(`${label}: other processes took ${m.result.contention.otherCores} cores while it ran; its times include their work`);
    }
    return { ...m.result, load: m.load };
  };

  const rows = [];
  for (const g of groups) {
    const row = { ...g, flops: g.ops.map(convFlops), aekit: null, torch: null };
    log(`${g.id} aekit: ${g.ops.length} convolutions × ${reps}…`);
    const task = { kind: 'conv', threads: options.threads, ops: g.ops, reps, seed: options.seed, check: g.id === 'M5' ? { step: true } : { grid: { n: gridN, range: GRID.range } } };
    row.aekit = await measure(`${g.id} aekit`, async () => (await runAekit(task)).conv);
    if (torch?.ok) {
      log(`${g.id} PyTorch…`);
      row.torch = await measure(`${g.id} PyTorch`, async () => (await runTorch(torchSetup, ['conv', '--ops', JSON.stringify(g.ops), '--repeats', String(reps)])).conv);
    }
    rows.push(row);
  }
  const report = {
    kind: 'conv',
    date: new Date().toISOString(),
    machine: describeMachine(),
    threads: options.threads ?? 1,
    torchThreads: options.torchThreads,
    reps,
    torchEnv: torch?.ok ? torch.env : null,
    rows,
    warnings,
  };
  print(formatConvReport(report));
  writeJsonAtomic(options.json ?? path.join(RESULTS_DIR, options.quick ? 'conv-quick.json' : 'conv.json'), report);
  return { failed, report };
}

const sum = (xs) => xs.reduce((s, x) => s + x, 0);
const ok = (side) => side && !side.error;

function cell(ms, flops) {
  return `${ms.toFixed(2)} (${formatNumber(flops / ms / 1e6)})`;
}

function ratioCell(a, t) {
  return a !== null && t !== null ? `${(a / t).toFixed(2)}×` : '—';
}

/** The table: one row per kernel, subtotals per role, the group's total; aekit ÷ PyTorch time (> 1: aekit slower). */
export function formatConvReport(report) {
  const lines = [
    `Convolutions of one M5 training step and of the grid decode, each kernel timed alone on fresh operands (median of ${report.reps});` +
      ` aekit ${report.threads} thread(s), PyTorch ${report.torchThreads}`,
    '',
    '| op | aekit kernel | MFLOP | aekit ms (GFLOP/s) | PyTorch ms (GFLOP/s) | aekit ÷ PyTorch time |',
    '|---|---|---|---|---|---|',
  ];
  const footer = [];
  for (const r of report.rows) {
    const a = ok(r.aekit) ? r.aekit.ms : null;
    const t = ok(r.torch) ? r.torch.ms : null;
    const failedCell = (side) => (side?.error ? `failed: ${String(side.error).split('\n')[0]}` : '—');
    r.ops.forEach((op, i) => {
      lines.push(
        `| ${r.id}: ${opLabel(op)} | ${tfjsKernel(op).kernel} | ${formatNumber(r.flops[i] / 1e6)} | ${a ? cell(a[i], r.flops[i]) : failedCell(r.aekit)} | ` +
          `${t ? cell(t[i], r.flops[i]) : failedCell(r.torch)} | ${ratioCell(a?.[i] ?? null, t?.[i] ?? null)} |`,
      );
    });
    const subtotal = (label, pick) => {
      const idx = r.ops.map((op, i) => (pick(op) ? i : -1)).filter((i) => i >= 0);
      const flops = sum(idx.map((i) => r.flops[i]));
      const am = a ? sum(idx.map((i) => a[i])) : null;
      const tm = t ? sum(idx.map((i) => t[i])) : null;
      lines.push(`| ${label} | ${idx.length} kernels | ${formatNumber(flops / 1e6)} | ${am === null ? '—' : cell(am, flops)} | ${tm === null ? '—' : cell(tm, flops)} | ${ratioCell(am, tm)} |`);
    };
    if (new Set(r.ops.map((op) => op.role)).size > 1) for (const role of ['forward', 'dW', 'dx']) subtotal(`${r.id} ${role}`, (op) => op.role === role);
    subtotal(`**${r.id} total** (${r.title})`, () => true);
    if (ok(r.aekit) && r.aekit.asRun) {
      const chunks = r.aekit.asRun.batches;
      footer.push(`${r.id}: aekit's decodeGrid() runs these kernels in ${chunks.length} chunks (batches ${chunks.join(', ')}): ${r.aekit.asRun.ms.toFixed(2)} ms in all`);
    }
    for (const [name, side] of [['aekit', r.aekit], ['PyTorch', r.torch]]) {
      if (ok(side)) footer.push(`${r.id} ${name}: load ${side.load} before, other processes ${side.contention?.otherCores ?? '?'} cores during`);
    }
  }
  if (report.torchEnv) footer.push(`PyTorch ${report.torchEnv.torch}, BLAS: ${report.torchEnv.blas.name}`);
  lines.push('', ...footer);
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
