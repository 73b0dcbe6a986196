// The real service for bench:memory (run with --expose-gc): boots with createApp/startApp against the seeded
// database (sandbox off, no platform), reports how long start-up took (restore included), and on `rss`
// collects garbage and reports the process's memory.
require('../http/ts-register.cjs');
require('reflect-metadata');
const { performance } = require('node:perf_hooks');
const { createApp, startApp } = require('../../../apps/presence-api/src/bootstrap');
const { loadConfig } = require('../../../apps/presence-api/src/config/config.loader');

async function main() {
  const config = loadConfig(process.env);
  const started = performance.now();
  const app = await createApp(config);
  const port = await startApp(app, config, '127.0.0.1');
  const bootMs = performance.now() - started;
  process.on('message', async (message) => {
    if (message.cmd === 'rss') {
      for (let i = 0; i < 3; i++) global.gc();
      await new Promise((resolve) => setTimeout(resolve, 200));
      global.gc();
      process.send({ done: 'rss', memory: process.memoryUsage() });
    } else if (message.cmd === 'exit') {
      await app.close();
      process.exit(0);
    }
  });
  process.send({ ready: true, port, bootMs });
}

main().catch((error) => {
  process.stderr.write(`bench memory service: ${error?.stack ?? error}\n`);
  process.exit(1);
});
