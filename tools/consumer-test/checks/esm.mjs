// ESM consumer: imports every package by its public name and does one real thing with each.
import assert from 'node:assert/strict';

const names = ['backend', 'datasets', 'losses', 'layers', 'models', 'trainers'];
for (const name of names) {
  const mod = await import(`@aekit/${name}`);
  assert.ok(Object.keys(mod).length > 0, `@aekit/${name} exports nothing`);
  const check = await import(`./${name}.mjs`).catch((e) => {
    if (e.code === 'ERR_MODULE_NOT_FOUND') return null;
    throw e;
  });
  if (check) {
    await check.check(mod);
    console.log(`esm  @aekit/${name}: ok`);
  }
}
