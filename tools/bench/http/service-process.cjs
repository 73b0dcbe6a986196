// The real service in its own process for the benchmarks: the same createApp/startApp as `node dist/main.js`,
// configured from the environment the parent passes (sandbox off, SQLite in a temp dir). Talks to the parent
// over IPC: `ready` with the port; `ingest` hands readings to the aggregator as an adapter would; `timings`
// returns the server-side durations (request event to response finish) per route recorded since the last ask, and
// records them from now on if `on` is true; `cpu` the process CPU time; `loop` the event loop's delay (p50, p99,
// max in ms) since the last ask;
// `profile-start` / `profile-stop` record a V8 CPU profile of what happens in between into `file`.
require('./ts-register.cjs');
require('reflect-metadata');
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { createApp, startApp } = require('../../../apps/presence-api/src/bootstrap');
const { loadConfig } = require('../../../apps/presence-api/src/config/config.loader');
const { PresenceAggregator } = require('@amo/presence-core');

async function main() {
  const config = loadConfig(process.env);
  const app = await createApp(config);
  const server = app.getHttpServer();
  let timings = new Map();
  // As light as it can be, since it runs in the measured process: one shared finish listener, no regex.
  const STARTED = Symbol('started');
  function finished() {
    const url = this.req.url;
    const query = url.indexOf('?');
    const path = url.startsWith('/v1/presence/') ? '/v1/presence/:id' : query < 0 ? url : url.slice(0, query);
    const route = `${this.req.method} ${path}`;
    let list = timings.get(route);
    if (!list) timings.set(route, (list = []));
    list.push(performance.now() - this[STARTED]);
  }
  // First listener on 'request': starts before Fastify sees the request. Only while the benchmark asks for
  // server-side times (`timings-on`): in the throughput runs it would be the benchmark's own cost in the service.
  let timing = false;
  server.prependListener('request', (_request, response) => {
    if (!timing) return;
    response[STARTED] = performance.now();
    response.on('finish', finished);
  });
  const port = await startApp(app, config, '127.0.0.1');
  // How late the event loop runs what is due (1 ms resolution): a request waits at least that long to be read.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const aggregator = app.get(PresenceAggregator);
  let profiler;
  const post = (method, params = {}) => new Promise((resolve, reject) => profiler.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  process.on('message', async (message) => {
    if (message.cmd === 'ingest') {
      const observedAt = new Date();
      const records = message.items.map(([accountId, status, rawStatus]) => ({ platform: message.platform, accountId, status, rawStatus, observedAt }));
      process.send({ done: 'ingest', changes: aggregator.ingest(message.platform, records) });
    } else if (message.cmd === 'timings') {
      timing = message.on === true;
      process.send({ done: 'timings', timings: Object.fromEntries(timings) });
      timings = new Map();
    } else if (message.cmd === 'loop') {
      const ms = (ns) => ns / 1e6;
      process.send({ done: 'loop', p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) });
      loop.reset();
    } else if (message.cmd === 'cpu') {
      process.send({ done: 'cpu', cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
    } else if (message.cmd === 'profile-start') {
      // The profile covers the load only, not start-up (which transpiles the sources).
      profiler = new Session();
      profiler.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 500 });
      await post('Profiler.start');
      process.send({ done: 'profile-start' });
    } else if (message.cmd === 'profile-stop') {
      const { profile } = await post('Profiler.stop');
      writeFileSync(message.file, JSON.stringify(profile));
      profiler.disconnect();
      process.send({ done: 'profile-stop', file: message.file });
    } else if (message.cmd === 'exit') {
      await app.close();
      process.exit(0);
    }
  });
  // The benchmark that started this service is gone: so is the service.
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true, port });
}

main().catch((error) => {
  process.stderr.write(`bench service: ${error?.stack ?? error}\n`);
  process.exit(1);
});
