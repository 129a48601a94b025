import assert from 'node:assert/strict';
import { test } from 'node:test';

import { summarize } from '../src/stats.mjs';

test('summarize: median of an odd count is the middle value, whatever the order', () => {
  assert.deepEqual(summarize([7, 3, 5]), { median: 5, min: 3, max: 7 });
});

test('summarize: median of an even count is the mean of the middle two', () => {
  assert.deepEqual(summarize([4, 1, 3, 2]), { median: 2.5, min: 1, max: 4 });
});

test('summarize: rejects empty and non-finite input', () => {
  assert.throws(() => summarize([]), /non-empty array of finite numbers/);
  assert.throws(() => summarize([1, Number.NaN]), /finite numbers, found \[1,null\]/);
});
