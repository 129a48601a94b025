// CJS consumer: require() of every package gives the same named exports as import.
const assert = require('node:assert/strict');

(async () => {
  for (const name of ['backend', 'datasets', 'losses', 'layers', 'models', 'trainers']) {
    const cjs = require(`@aekit/${name}`);
    const esm = await import(`@aekit/${name}`);
    const cjsNames = Object.keys(cjs).filter((k) => k !== 'default' && k !== '__esModule').sort();
    const esmNames = Object.keys(esm).filter((k) => k !== 'default' && k !== 'module.exports').sort();
    assert.ok(cjsNames.length > 0, `require('@aekit/${name}') exports nothing`);
    assert.deepEqual(cjsNames, esmNames, `@aekit/${name}: CJS and ESM export different names`);
    console.log(`cjs  @aekit/${name}: ${cjsNames.length} exports`);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
