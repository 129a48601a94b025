import { describe, expect, it } from 'vitest';

import { COLUMNS, DETAILS_END, DETAILS_START, TABLE_END, TABLE_START, formatDuration, formatPercent, formatRow, parseRow, upsertReproduction, type ReproductionRow } from './table';

const row = (recipe: string, aekit: string): ReproductionRow => ({
  recipe: `\`${recipe}\``,
  source: 'TF1, notebook 003',
  published: '**102.6** training loss',
  aekit,
  epochs: '20/20',
  wallTime: '12 min 00 s',
  samplesPerSecond: '1,500',
  machine: '2 cores, AMD EPYC, Node v20',
  backend: 'wasm · SIMD on · 1 thread · tfjs 4.22.0',
  version: '0.0.0',
  command: '`npm run reproduce -- x`',
  pictures: '—',
});

describe('REPRODUCTION.md rows', () => {
  it('formats one cell per column and escapes pipes', () => {
    const line = formatRow(row('denseVae', 'a | b'));
    const cells = parseRow(line);
    expect(Object.keys(cells)).toEqual(COLUMNS.map(([k]) => k));
    expect(cells.aekit).toBe('a \\| b');
  });

  it('replaces a recipe’s row in place, orders rows as the recipes are listed, keeps prose outside the markers', () => {
    let doc = `# Title\n\nHand-written intro.\n\n${TABLE_START}\n${TABLE_END}\n\n## Findings\n\nkept\n\n${DETAILS_START}\n${DETAILS_END}\n`;
    doc = upsertReproduction(doc, row('pytorchVae', 'first'), '### `pytorchVae` — p\n\nx');
    doc = upsertReproduction(doc, row('kerasSimpleAe', 'k'), '### `kerasSimpleAe` — k\n\ny');
    doc = upsertReproduction(doc, row('pytorchVae', 'second'), '### `pytorchVae` — p\n\nz');
    const lines = doc.split('\n').filter((l) => l.startsWith('| `'));
    expect(lines.map((l) => parseRow(l).recipe)).toEqual(['`kerasSimpleAe`', '`pytorchVae`']);
    expect(parseRow(lines[1]).aekit).toBe('second');
    expect(doc).toContain('Hand-written intro.');
    expect(doc).toContain('## Findings\n\nkept');
    expect(doc.match(/### `pytorchVae`/g)).toHaveLength(1);
    expect(doc).toContain('### `pytorchVae` — p\n\nz');
    expect(doc.indexOf('### `kerasSimpleAe`')).toBeLessThan(doc.indexOf('### `pytorchVae`'));
  });

  it('adds the markers to a document that has none', () => {
    const doc = upsertReproduction('# Only a title\n', row('mlpAe', 'v'), '### `mlpAe` — m');
    expect(doc).toContain(TABLE_START);
    expect(doc).toContain(DETAILS_END);
    expect(doc.startsWith('# Only a title')).toBe(true);
  });

  it('rejects a malformed row with the count it found', () => {
    expect(() => parseRow('| `mlpAe` | only two |')).toThrow(`expected ${COLUMNS.length} cells`);
    expect(() => parseRow('| mlpAe |')).toThrow('expected "| `recipe` | …"');
  });

  it('formats durations and percentages for people', () => {
    expect(formatDuration(8.25)).toBe('8.3 s');
    expect(formatDuration(725)).toBe('12 min 05 s');
    expect(formatDuration(3725)).toBe('1 h 02 min');
    expect(formatPercent(0.0123)).toBe('+1.23 %');
    expect(formatPercent(-0.5)).toBe('−50.0 %');
  });
});
