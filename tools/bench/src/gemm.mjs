// `npm run bench -- --gemm`: the matrix products of one training step of each
// dense model (M1–M4), timed alone in both engines. What the step would cost
// if everything but its GEMMs were free — the ceiling of the ratio aekit can
// reach with the matmul engine it has (tfjs-backend-wasm's XNNPACK on WebAssembly
// SIMD128, no FMA) against PyTorch's (OpenBLAS on AVX2 + FMA).
import { runAekit } from './aekit-runner.mjs';
import { BENCH_MODELS, DENSE_LAYERS } from './models.mjs';
import { consoleIo, formatNumber, writeJsonAtomic } from './report.mjs';
import { describeMachine, RESULTS_DIR } from './run.mjs';
import { runTorch, setUpTorch } from './torch-runner.mjs';
import path from 'node:path';

/**
 * The products of one training step of a dense model, as the backward pass
 * computes them: per layer y = x·W (forward), dW = xᵀ·dz, and dx = dz·Wᵀ unless
 * the layer reads the data.
 *
 * @param {string} id  'M1'…'M4'
 * @returns {{ m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, role: string }[]}
 */
export function trainingGemms(id) {
  const dense = DENSE_LAYERS[id];
  if (!dense) throw new Error(`bench --gemm: ${id} has no dense-layer list (M1–M4 do)`);
  const batch = BENCH_MODELS.find((m) => m.id === id).batchSize;
  const gemms = [];
  dense.layers.forEach(([fanIn, units], i) => {
    const layer = `${fanIn}→${units}`;
    gemms.push({ m: batch, k: fanIn, n: units, transposeA: false, transposeB: false, role: `${layer} forward` });
    gemms.push({ m: fanIn, k: batch, n: units, transposeA: true, transposeB: false, role: `${layer} dW` });
    if (!dense.dataInputs.includes(i)) gemms.push({ m: batch, k: units, n: fanIn, transposeA: false, transposeB: true, role: `${layer} dx` });
  });
  return gemms;
}

export const gemmFlops = (g) => 2 * g.m * g.k * g.n;

/**
 * @param {ReturnType<typeof import('./args.mjs').parseBenchArgs>} options
 * @param {{ log?: (line: string) => void, print?: (text: string) => void }} [io]
 */
export async function runGemm(options, io = {}) {
  const { log, print } = consoleIo(io);
  const warnings = [];
  const ids = options.models.filter((id) => DENSE_LAYERS[id]);
  const reps = options.quick ? 3 : 30;
  const { torchSetup, torch } = await setUpTorch(options, warnings);
  const rows = [];
  let failed = false;
  for (const id of ids) {
    const gemms = trainingGemms(id);
    const row = { id, gemms, flops: gemms.reduce((s, g) => s + gemmFlops(g), 0), aekit: null, torch: null };
    try {
      log(`${id} aekit: ${gemms.length} products × ${reps}…`);
      row.aekit = (await runAekit({ kind: 'gemm', gemms, reps, threads: options.threads })).gemm;
    } catch (e) {
      row.aekit = { error: e instanceof Error ? e.message : String(e) };
      failed = true;
    }
    if (torch?.ok) {
      try {
        log(`${id} PyTorch…`);
        row.torch = (await runTorch(torchSetup, ['gemm', '--shapes', JSON.stringify(gemms), '--repeats', String(reps)])).gemm;
      } catch (e) {
        row.torch = { error: e instanceof Error ? e.message : String(e) };
        failed = true;
      }
    }
    rows.push(row);
  }
  const report = { kind: 'gemm', date: new Date().toISOString(), machine: describeMachine(), threads: options.threads ?? 1, torchThreads: options.torchThreads, torchEnv: torch?.ok ? torch.env : null, rows, warnings };
  print(formatGemmReport(report));
  writeJsonAtomic(options.json ?? path.join(RESULTS_DIR, options.quick ? 'gemm-quick.json' : 'gemm.json'), report);
  return { failed, report };
}

/** ms per step spent in the products (sum of the per-product medians) and the GFLOP/s that makes. */
function gemmTime(side, flops) {
  if (!side || side.error) return null;
  const ms = side.ms.reduce((s, x) => s + x, 0);
  return { ms, gflops: flops / ms / 1e6 };
}

export function formatGemmReport(report) {
  const lines = [
    `GEMMs of one training step, each timed alone (median of its repeats); aekit ${report.threads} thread(s), PyTorch ${report.torchThreads}`,
    '',
    '| model | products | MFLOP/step | aekit ms (GFLOP/s) | PyTorch ms (GFLOP/s) | aekit ÷ PyTorch time |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of report.rows) {
    const a = gemmTime(r.aekit, r.flops);
    const t = gemmTime(r.torch, r.flops);
    const cell = (x, side) => (x ? `${x.ms.toFixed(2)} (${formatNumber(x.gflops)})` : side?.error ? `failed: ${side.error.split('\n')[0]}` : '—');
    lines.push(`| ${r.id} | ${r.gemms.length} | ${formatNumber(r.flops / 1e6)} | ${cell(a, r.aekit)} | ${cell(t, r.torch)} | ${a && t ? `${(a.ms / t.ms).toFixed(2)}×` : '—'} |`);
  }
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
