import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatNumber, formatReport, formatSummary, ratio } from '../src/report.mjs';

test('formatNumber: thousands separators for big numbers, two significant digits for small ones', () => {
  assert.equal(formatNumber(77113.4), '77,113');
  assert.equal(formatNumber(112.4), '112');
  assert.equal(formatNumber(91.46), '91.5');
  assert.equal(formatNumber(0.571), '0.57');
});

test('ratio: throughput is aekit ÷ PyTorch, time is PyTorch ÷ aekit; missing or failed sides give null', () => {
  assert.equal(ratio({ median: 500 }, { median: 1000 }), 0.5);
  assert.equal(ratio({ median: 4000 }, { median: 500 }, { time: true }), 0.125);
  assert.equal(ratio({ median: 1 }, null), null);
  assert.equal(ratio({ error: 'x' }, { median: 1 }), null);
});

test('formatReport: one Markdown row per model and the grid, failures shown in their cell', () => {
  const text = formatReport({
    header: ['aekit bench'],
    footer: ['footer line'],
    warnings: ['a warning'],
    models: [
      { id: 'M1', title: 'simple AE', target: 0.5, aekit: { median: 7567, min: 7221, max: 7888 }, torch: { median: 77113, min: 72005, max: 77648 }, ratio: 7567 / 77113 },
      { id: 'M5', title: 'conv VAE', target: 1, aekit: { error: "Kernel 'Conv2DBackpropFilter' not registered\n at …" }, torch: null, ratio: null },
    ],
    grid: { title: 'grid decode 30×30', target: 1, aekit: { median: 4535, min: 4383, max: 6590 }, torch: { median: 523, min: 459, max: 603 }, ratio: 523 / 4535 },
  });
  const lines = text.split('\n');
  assert.ok(lines.includes('| M1 simple AE | 7,567 (7,221–7,888) | 77,113 (72,005–77,648) | 0.10× | ≥ 0.5× |'));
  assert.ok(lines.includes("| M5 conv VAE | failed: Kernel 'Conv2DBackpropFilter' not registered | — | — | ≥ 1.0× |"));
  assert.ok(lines.includes('| grid decode 30×30 | 4,535 (4,383–6,590) | 523 (459–603) | 0.12× | ≥ 1.0× |'));
  assert.ok(lines.includes('warning: a warning'));
  assert.equal(formatSummary(null), '—');
});
