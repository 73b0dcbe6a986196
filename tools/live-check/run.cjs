#!/usr/bin/env node
// npm run live-check -- [--platform discord,slack,...] [--people id,id] [--limit N]
// Runs the TypeScript sources through the repository's loader (no build), reading credentials from the environment.
'use strict';
require('../../libs/store/scripts/register-ts.cjs');
const { runLiveCheck } = require('./src/index.ts');

runLiveCheck(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`live-check: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
