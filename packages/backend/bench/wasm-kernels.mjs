// Micro-benchmark (not a test): our own WebAssembly kernels alone, on a fresh
// memory, as committed (helpers inlined by scripts/build-wasm-kernels.mjs) and
// as wabt alone assembles them (every $log / $exp / $tanh a call): the bce
// kernel on a [256, 784] batch in both modes (value and gradient), and tanh on
// [100, 512]. Median of 7 rounds of 300 calls after 50 warm-up calls, µs per
// call. Run alone (imports src via tsx):
//   cd packages/backend && node --import tsx bench/wasm-kernels.mjs
/* global performance, console, process, Buffer, WebAssembly */
import os from 'node:os';
import { assembleWasmKernel } from '../scripts/build-wasm-kernels.mjs';
import { BCE_KERNEL_WASM } from '../src/kernels/bce-binary.ts';
import { TANH_KERNEL_WASM } from '../src/kernels/tanh-binary.ts';

function instance(bytes, memory) {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
}

/** Median µs per call of `fn` over 7 rounds of 300 calls, after 50 warm-up calls. */
function timeUs(fn) {
  for (let i = 0; i < 50; i++) fn();
  const rounds = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 300; i++) fn();
    rounds.push(((performance.now() - t0) / 300) * 1000);
  }
  return rounds.sort((a, b) => a - b)[3];
}

const memory = new WebAssembly.Memory({ initial: 64 });
const heap = new Float32Array(memory.buffer);
const n = 256 * 784;
const [t, p, value, grad] = [0, 1, 2, 3].map((k) => heap.subarray(k * n, (k + 1) * n));
let seed = 1;
const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
for (let i = 0; i < n; i++) {
  t[i] = random() < 0.8 ? 0 : random();
  p[i] = random();
}
const variants = {
  'wabt only (helpers called)': {
    bce: (await assembleWasmKernel('bce', undefined, { inline: false })).plain,
    tanh: (await assembleWasmKernel('tanh', undefined, { inline: false })).plain,
  },
  'committed (helpers inlined)': { bce: Buffer.from(BCE_KERNEL_WASM, 'base64'), tanh: Buffer.from(TANH_KERNEL_WASM, 'base64') },
};
console.log(`Node ${process.versions.node} (V8 ${process.versions.v8}); load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('| kernel | ' + Object.keys(variants).join(' µs | ') + ' µs |');
console.log('|---|---|---|');
const rows = [
  ['bce clip, value + grad, [256,784]', (k) => () => k.bce(t.byteOffset, p.byteOffset, value.byteOffset, grad.byteOffset, n, 1e-7, 1 - 1e-7, 0), 'bce'],
  ['bce add, value + grad, [256,784]', (k) => () => k.bce(t.byteOffset, p.byteOffset, value.byteOffset, grad.byteOffset, n, 1e-7, 0, 1), 'bce'],
  ['tanh [100,512]', (k) => () => k.tanh(p.byteOffset, value.byteOffset, 100 * 512), 'tanh'],
];
for (const [name, call, kernel] of rows) {
  const times = Object.values(variants).map((bytes) => timeUs(call(instance(bytes[kernel], memory))));
  console.log(`| ${name} | ${times.map((us) => us.toFixed(0)).join(' | ')} |`);
}
console.log(`load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
