#!/usr/bin/env node
import { main } from './main.js';

// process.exitCode, not process.exit(): lets stdout drain when piped.
main(process.argv).then((code) => {
  process.exitCode = code;
});
