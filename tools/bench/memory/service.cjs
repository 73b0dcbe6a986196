// The real service for bench:memory (run with --expose-gc): boots with createApp/startApp against the seeded
// database (sandbox off, no platform), reports how long start-up took (restore included), and on `rss`
// collects garbage and reports the process's memory. It runs the transpiled JavaScript (compiled.cjs, made
// by the parent), so no TypeScript compiler sits in the process being measured. With BENCH_PROFILE=<file>
// it records a V8 CPU profile of start-up (createApp to listening: restore included) into that file.
const { join } = require('node:path');
const out = require('./compiled.cjs').register();
require('reflect-metadata');
const { performance } = require('node:perf_hooks');
const { createApp, startApp } = require(join(out, 'apps/presence-api/src/bootstrap.js'));
const { loadConfig } = require(join(out, 'apps/presence-api/src/config/config.loader.js'));

/** Starts the inspector's CPU profiler; the function returned stops it and writes the profile to `file`. */
async function profile(file) {
  const { Session } = require('node:inspector');
  const session = new Session();
  session.connect();
  const post = (method, params = {}) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return async () => {
    const { profile: recorded } = await post('Profiler.stop');
    require('node:fs').writeFileSync(file, JSON.stringify(recorded));
    session.disconnect();
  };
}

async function main() {
  const config = loadConfig(process.env);
  const stopProfile = process.env.BENCH_PROFILE ? await profile(process.env.BENCH_PROFILE) : undefined;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const app = await createApp(config);
  const port = await startApp(app, config, '127.0.0.1');
  const bootMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const bootCpuMs = (cpu.user + cpu.system) / 1000;
  await stopProfile?.();
  process.on('message', async (message) => {
    if (message.cmd === 'rss') {
      for (let i = 0; i < 3; i++) global.gc();
      await new Promise((resolve) => setTimeout(resolve, 200));
      global.gc();
      const spaces = Object.fromEntries(require('node:v8').getHeapSpaceStatistics().map((space) => [space.space_name, { size: space.space_size, used: space.space_used_size }]));
      process.send({ done: 'rss', memory: process.memoryUsage(), spaces });
    } else if (message.cmd === 'exit') {
      await app.close();
      process.exit(0);
    }
  });
  process.send({ ready: true, port, bootMs, bootCpuMs });
}

main().catch((error) => {
  process.stderr.write(`bench memory service: ${error?.stack ?? error}\n`);
  process.exit(1);
});
