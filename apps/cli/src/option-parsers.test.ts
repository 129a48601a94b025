import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { dimPair, noiseOption, openFraction, positiveInt, sizeList } from './option-parsers.js';

describe('option parsers', () => {
  it('accept good values', () => {
    expect(positiveInt('12')).toBe(12);
    expect(openFraction('0.1')).toBe(0.1);
    expect(dimPair('3, 7')).toEqual([3, 7]);
    expect(sizeList('512,256')).toEqual([512, 256]);
    expect(noiseOption('0.5')).toEqual({ kind: 'gaussian', factor: 0.5 });
    expect(noiseOption('salt-pepper:0.1')).toEqual({ kind: 'saltPepper', amount: 0.1 });
    expect(noiseOption('mask:0.3')).toEqual({ kind: 'mask', fraction: 0.3 });
  });

  it('reject bad values with commander’s InvalidArgumentError', () => {
    for (const [parse, value] of [
      [positiveInt, '0'],
      [positiveInt, '2.5'],
      [positiveInt, 'ten'],
      [openFraction, '1'],
      [dimPair, '1,1'],
      [dimPair, '1'],
      [sizeList, '512,,'],
      [noiseOption, 'poisson:1'],
      [noiseOption, 'mask:1.5'],
    ] as const) {
      expect(() => (parse as (v: string) => unknown)(value), value).toThrow(InvalidArgumentError);
    }
  });
});
