// Benchmark (not a test): wall time and extra resident memory to load full MNIST
// (train + test) through the built node entry. Each run is a fresh process, so
// nothing is cached in the JS heap; the OS page cache is warm after the first run.
//
//   cd packages/datasets && npx tsup && node bench/load-mnist.mjs [runs]
//
// Targets (issue 4): under 1 s and under 120 MB extra RSS.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/node.js', import.meta.url).href;

if (process.argv[2] === '--child') {
  const { mnist } = await import(entry);
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const [train, test] = await Promise.all([mnist({ split: 'train' }), mnist({ split: 'test' })]);
  const ms = performance.now() - t0;
  const rss1 = process.memoryUsage().rss;
  if (train.count !== 60000 || test.count !== 10000) throw new Error(`unexpected counts ${train.count}/${test.count}`);
  const bytes = train.images.byteLength + test.images.byteLength + train.labels.byteLength + test.labels.byteLength;
  console.log(JSON.stringify({ ms, extraRssMB: (rss1 - rss0) / 2 ** 20, dataMB: bytes / 2 ** 20 }));
} else {
  const runs = Number(process.argv[2] ?? 5);
  const results = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child'], { encoding: 'utf8' });
    results.push(JSON.parse(out));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const fmt = (x) => x.toFixed(1);
  const ms = results.map((r) => r.ms);
  const mb = results.map((r) => r.extraRssMB);
  console.log(`MNIST train+test (70,000 images, ${fmt(results[0].dataMB)} MB of pixels+labels), ${runs} fresh processes, node ${process.version}`);
  console.log(`  time:      first ${fmt(ms[0])} ms, median ${fmt(median(ms))} ms, max ${fmt(Math.max(...ms))} ms   (target < 1000 ms)`);
  console.log(`  extra RSS: first ${fmt(mb[0])} MB, median ${fmt(median(mb))} MB, max ${fmt(Math.max(...mb))} MB   (target < 120 MB)`);
}
