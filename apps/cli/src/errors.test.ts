import { describe, expect, it } from 'vitest';
import { exitCodeOf, messageOf, oneLine, RuntimeError, UsageError } from './errors.js';

describe('errors', () => {
  it('maps usage errors to exit code 2 and everything else to 1', () => {
    expect(exitCodeOf(new UsageError('x'))).toBe(2);
    expect(exitCodeOf(new RuntimeError('x'))).toBe(1);
    expect(exitCodeOf(new Error('x'))).toBe(1);
    expect(exitCodeOf('thrown string')).toBe(1);
  });

  it('keeps every message on one line', () => {
    expect(messageOf(new Error('a.json: bad\n  at field x'))).toBe('a.json: bad at field x');
    expect(oneLine("error: unknown option '--epoch'\n(Did you mean --epochs?)\n")).toBe("error: unknown option '--epoch' (Did you mean --epochs?)");
  });
});
