// Micro-benchmark (not a test): the weight gradient of the conv VAE's (M5's)
// two im2col layers at batch 128 — the first encoder conv (x [128,28,28,1],
// dy [128,14,14,32], stride 2) and the last decoder conv-transpose (x
// [128,28,28,1], dy [128,28,28,32], stride 1) — through the registered
// Conv2DBackpropFilter (patches, then dW = Pᵀ·dy by wasm/atb.wat) against the
// path it replaced, rebuilt here from the same wasm kernels (the same one-hot
// depthwise convolution, then Pᵀ·dy by BatchMatMul, i.e. XNNPACK packing dy),
// plus the parts: the patches alone and wasm/atb.wat alone. Fresh x and dy
// every repeat (made outside the timed part), as in training: XNNPACK caches
// its packed operand per tensor, so a reused dy would time a cache hit.
// Also the accuracy of both against a float64 sum (largest error relative to
// the largest |dW|). Runs 1 and 2 threads, each in its own child process, one
// after the other. Run alone on an idle machine:
//   cd packages/backend && node --import tsx bench/conv2d-backprop-filter-atb.mjs
//   node --import tsx bench/conv2d-backprop-filter-atb.mjs --threads 2   # one thread count
/* global process, performance, console */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const threadsArg = argv.indexOf('--threads');

if (threadsArg < 0) {
  console.log(`Node ${process.versions.node}; load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(
    '| layer (batch 128) | threads | registered kernel (atb) ms | before: patches + BatchMatMul ms | part: patches ms | ' +
      'part: atb alone ms | rel. error atb | rel. error BatchMatMul |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const threads of [1, 2]) {
    const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--threads', String(threads)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    process.stdout.write(out.split('\n').filter((line) => line.startsWith('|')).join('\n') + '\n');
  }
  console.log(`load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} else {
  await measure(Number(argv[threadsArg + 1]));
}

async function measure(threads) {
  const tf = await import('@tensorflow/tfjs-core');
  const { initBackend } = await import('../src/index.ts');
  const { atbKernelFor } = await import('../src/kernels/conv2d-backprop-filter.ts');
  const { heapMemory } = await import('../src/kernels/own-wasm-module.ts');
  const info = await initBackend({ threads });
  const backend = tf.backend();
  const atb = atbKernelFor(heapMemory(backend));
  if (atb == null) throw new Error('wasm/atb.wat does not run here (no WebAssembly SIMD?)');

  const REPS = 9;
  /** Median ms of REPS timed calls on fresh operands (after 2 warm-up calls); outputs disposed. */
  const timeMs = (make, run) => {
    const times = [];
    for (let r = 0; r < REPS + 2; r++) {
      const operands = make(r);
      const t0 = performance.now();
      const out = run(operands);
      backend.typedArrayFromHeap(out); // every kernel is synchronous; no read-back
      const t = performance.now() - t0;
      tf.dispose([operands, out]);
      if (r >= 2) times.push(t);
    }
    return times.sort((a, b) => a - b)[REPS >> 1];
  };

  const cases = [
    ['encoder conv 1→32, s2 (dy 14×14×32)', [128, 28, 28, 1], [3, 3, 1, 32], 2],
    ['decoder convT 32→1, s1 (dy 28×28×32)', [128, 28, 28, 1], [3, 3, 1, 32], 1],
  ];
  for (const [name, xShape, filterShape, stride] of cases) {
    const [fh, fw, c, o] = filterShape;
    const taps = fh * fw;
    const dyShape = tf.backend_util.computeConv2DInfo(xShape, filterShape, stride, 1, 'same').outShape;
    const attrs = { strides: stride, pad: 'same', dataFormat: 'NHWC', filterShape };
    const oneHotValues = new Float32Array(taps * c * taps);
    for (let t = 0; t < taps; t++) for (let ci = 0; ci < c; ci++) oneHotValues[(t * c + ci) * taps + t] = 1;
    const oneHot = tf.tensor4d(oneHotValues, [fh, fw, c, taps]);
    const make = (r) => ({
      x: tf.randomNormal(xShape, 0, 1, 'float32', 10 + r),
      dy: tf.randomNormal(dyShape, 0, 1, 'float32', 100 + r),
    });
    const patches = (x) => tf.depthwiseConv2d(x, oneHot, stride, 'same');
    const registered = ({ x, dy }) => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs);
    const before = ({ x, dy }) =>
      tf.tidy(() => {
        const p = tf.reshape(patches(x), [-1, c * taps]);
        const dw = tf.matMul(p, tf.reshape(dy, [-1, o]), true, false); // [C·taps, O]
        return tf.transpose(tf.reshape(dw, [c, fh, fw, o]), [1, 2, 0, 3]);
      });
    const k = tf.util.sizeFromShape(dyShape) / o;
    const atbAlone = ({ x, dy }) => {
      const out = tf.zeros([c * taps, o]);
      const p = backend.typedArrayFromHeap(x).byteOffset;
      const d = backend.typedArrayFromHeap(dy).byteOffset;
      atb(p, d, backend.typedArrayFromHeap(out).byteOffset, k, c * taps, o);
      return out;
    };
    const makePatches = (r) => {
      const { x, dy } = make(r);
      const p = patches(x);
      x.dispose();
      return { x: p, dy };
    };

    // Accuracy against float64 on one pair of operands.
    const { x, dy } = make(0);
    const dyv = dy.dataSync();
    const p = tf.tidy(() => patches(x));
    const pv = p.dataSync();
    const exact = new Float64Array(c * taps * o);
    for (let i = 0; i < k; i++)
      for (let j = 0; j < c * taps; j++) {
        const a = pv[i * c * taps + j];
        for (let q = 0; q < o; q++) exact[j * o + q] += a * dyv[i * o + q];
      }
    const relError = (dw) => {
      // dW [fh, fw, C, O] against exact [C, fh, fw, O]
      const v = dw.dataSync();
      let diff = 0;
      let scale = 0;
      for (let t = 0; t < taps; t++)
        for (let ci = 0; ci < c; ci++)
          for (let q = 0; q < o; q++) {
            const e = exact[(ci * taps + t) * o + q];
            diff = Math.max(diff, Math.abs(v[(t * c + ci) * o + q] - e));
            scale = Math.max(scale, Math.abs(e));
          }
      dw.dispose();
      return diff / scale;
    };
    const errAtb = relError(registered({ x, dy }));
    const errMatMul = relError(before({ x, dy }));
    tf.dispose([x, dy, p]);

    const cells = [
      timeMs(make, registered),
      timeMs(make, before),
      timeMs((r) => tf.randomNormal(xShape, 0, 1, 'float32', 10 + r), patches),
      timeMs(makePatches, atbAlone),
    ].map((ms) => ms.toFixed(2));
    console.log(`| ${name} | ${info.threads} | ${cells.join(' | ')} | ${errAtb.toExponential(1)} | ${errMatMul.toExponential(1)} |`);
    oneHot.dispose();
  }
}
