import { recipes } from '@aekit/models';
import { describe, expect, it } from 'vitest';
import { chooseOptimizer } from './optimizer-choice.js';

describe('chooseOptimizer', () => {
  it('takes every hyper-parameter of the recipe, renamed to the trainer’s names', () => {
    expect(chooseOptimizer({}, recipes.kerasConvVae.train)).toEqual({ name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    const rms = chooseOptimizer({}, recipes.deconvVae.train);
    expect(rms.name).toBe('rmsprop');
    // tfjs's `decay` is Keras's (and @aekit/trainers') `rho`.
    expect(rms).toHaveProperty('rho', (recipes.deconvVae.train.optimizerOptions as { decay: number }).decay);
    expect(rms).not.toHaveProperty('decay');
  });

  it('lets --lr override the recipe’s rate and --optimizer replace the recipe’s optimizer', () => {
    expect(chooseOptimizer({ lr: 0.01 }, recipes.kerasConvVae.train)).toMatchObject({ name: 'adam', learningRate: 0.01, beta1: 0.9 });
    expect(chooseOptimizer({ optimizer: 'sgd' }, recipes.kerasConvVae.train)).toEqual({ name: 'sgd' });
    expect(chooseOptimizer({})).toEqual({ name: 'adam' });
  });
});
