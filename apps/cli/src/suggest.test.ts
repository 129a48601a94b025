import { describe, expect, it } from 'vitest';
import { nearestName, unknownNameMessage } from './suggest.js';

const recipes = ['kerasSimpleAe', 'kerasSparseAe', 'deepBatchNormAe', 'denseVae', 'kerasConvVae', 'deconvVae'];

describe('nearestName', () => {
  it('finds typos, case slips and prefixes', () => {
    expect(nearestName('kerasConvVea', recipes)).toBe('kerasConvVae');
    expect(nearestName('kerasconvvae', recipes)).toBe('kerasConvVae');
    expect(nearestName('deepBatch', recipes)).toBe('deepBatchNormAe');
    expect(nearestName('densevae', recipes)).toBe('denseVae');
  });

  it('suggests nothing for unrelated words', () => {
    expect(nearestName('transformer', recipes)).toBeUndefined();
  });

  it('writes one line naming the input, the suggestion and the known names', () => {
    expect(unknownNameMessage('recipe', 'kerasConvVea', ['denseVae', 'kerasConvVae'])).toBe(
      "unknown recipe 'kerasConvVea' (did you mean 'kerasConvVae'?); known recipes: denseVae, kerasConvVae",
    );
  });
});
