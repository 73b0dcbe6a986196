#!/usr/bin/env node
// npm run rotate-key -- [--sqlite ./data/presence.db | --postgres URL [--schema S]] [--old KEY --new KEY]
// Keys may instead come from PRESENCE_ENCRYPTION_KEY_OLD and PRESENCE_ENCRYPTION_KEY_NEW (kept out of shell history).
'use strict';
require('./register-ts.cjs');
const { runRotateKeyCli } = require('../src/index.ts');

runRotateKeyCli(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then((code) => {
  process.exitCode = code;
});
