import { describe, expect, it } from 'vitest';
import { formatLoss, seriesColors } from './loss-chart';

describe('loss chart helpers', () => {
  it('formats losses for labels', () => {
    expect(formatLoss(500)).toBe('500');
    expect(formatLoss(184.4321)).toBe('184.4');
    expect(formatLoss(5.4151)).toBe('5.415');
    expect(formatLoss(0.00123)).toBe('1.23e-3');
  });

  it('gives a term the same colour in training and validation', () => {
    const colors = seriesColors(['train.total', 'train.kl', 'validation.kl', 'val_loss', 'loss', 'train.custom']);
    expect(colors.get('train.kl')).toBe(colors.get('validation.kl'));
    expect(colors.get('val_loss')).toBe(colors.get('loss'));
    expect(colors.get('train.custom')).toMatch(/^#/);
  });
});
