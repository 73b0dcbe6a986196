// The real service in its own process for the benchmarks: the same createApp/startApp as `node dist/main.js`,
// configured from the environment the parent passes (sandbox off, SQLite in a temp dir). Talks to the parent
// over IPC: `ready` with the port; `ingest` hands readings to the aggregator as an adapter would; `timings`
// returns server-side durations (request event to response finish) per route; `cpu` the process CPU time.
require('./ts-register.cjs');
require('reflect-metadata');
const { performance } = require('node:perf_hooks');
const { createApp, startApp } = require('../../../apps/presence-api/src/bootstrap');
const { loadConfig } = require('../../../apps/presence-api/src/config/config.loader');
const { PresenceAggregator } = require('@amo/presence-core');

async function main() {
  const config = loadConfig(process.env);
  const app = await createApp(config);
  const server = app.getHttpServer();
  let timings = new Map();
  // First listener on 'request': starts before Express sees the request.
  server.prependListener('request', (request, response) => {
    const started = performance.now();
    response.once('finish', () => {
      const route = `${request.method} ${request.url.replace(/\/v1\/presence\/[^?]+/, '/v1/presence/:id').replace(/\?.*$/, '')}`;
      let list = timings.get(route);
      if (!list) timings.set(route, (list = []));
      list.push(performance.now() - started);
    });
  });
  const port = await startApp(app, config, '127.0.0.1');
  const aggregator = app.get(PresenceAggregator);
  process.on('message', async (message) => {
    if (message.cmd === 'ingest') {
      const observedAt = new Date();
      const records = message.items.map(([accountId, status, rawStatus]) => ({ platform: message.platform, accountId, status, rawStatus, observedAt }));
      process.send({ done: 'ingest', changes: aggregator.ingest(message.platform, records) });
    } else if (message.cmd === 'timings') {
      process.send({ done: 'timings', timings: Object.fromEntries(timings) });
      timings = new Map();
    } else if (message.cmd === 'cpu') {
      process.send({ done: 'cpu', cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
    } else if (message.cmd === 'exit') {
      await app.close();
      // --cpu-prof writes its profile on a normal exit.
      process.exit(0);
    }
  });
  process.send({ ready: true, port });
}

main().catch((error) => {
  process.stderr.write(`bench service: ${error?.stack ?? error}\n`);
  process.exit(1);
});
