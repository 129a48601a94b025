#!/usr/bin/env node
// `npm run bench` (tools/bench): training throughput of the reference models
// M1–M5 and the latent-grid decode, aekit vs PyTorch. See ../README.md.
import process from 'node:process';
import { USAGE, parseBenchArgs } from '../src/args.mjs';
import { runConv } from '../src/conv.mjs';
import { runGemm } from '../src/gemm.mjs';
import { runParity } from '../src/parity.mjs';
import { runBench } from '../src/run.mjs';

let options;
try {
  options = parseBenchArgs(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${USAGE}\n`);
} else {
  try {
    const { failed } = await (options.conv ? runConv(options) : options.gemm ? runGemm(options) : options.parity ? runParity(options) : runBench(options));
    if (failed) {
      process.stderr.write('bench: some measurements failed (see the table)\n');
      process.exitCode = 1;
    }
  } catch (e) {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
