// bench:polling — cluster polling (libs/cluster/src/polling) against the single-process loop, in the same run:
// for Slack (published tiers, on a clock 10x faster), Teams (the tenant budget scaled to 3 calls/s, 3,900 people)
// and Zoom (5 reads/s, 40 people): the longest gap between two presence reads of any person over three sweeps
// after a warm-up sweep, the optimum the budget allows, the 429s the emulator counted, and poll jobs per second;
// then the queue's own capacity: Teams' published budget, 13,000 people at a 1 s interval (20 jobs a tick), jobs/s
// and CPU per job with 1 and 3 instances beside the loop's calls/s. Everything runs in this process (emulators,
// instances, Redis clients), so CPU figures include the emulator's. Needs the machine's Redis.
// Usage: node tools/bench/polling/bench-polling.cjs [--cases slack,teams,zoom,capacity]
require('../http/ts-register.cjs');
const { loadavg, cpus } = require('node:os');
const { parseArgs } = require('node:util');
const { RateBudgetRegistry } = require('@amo/presence-adapter-kit');
const { PresenceAggregator } = require('@amo/presence-core');
const helper = require('../../../libs/cluster/src/polling/cluster-polling.spec-helper.ts');

const redisUrl = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const { values } = parseArgs({ options: { cases: { type: 'string', default: 'slack,teams,zoom,capacity' } } });

const realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The platforms as the tests drive them, with the optimum the budget allows (ms of platform time). */
const CASES = {
  slack: { start: () => helper.slackPlatform(100, 10), intervalMs: 30_000, optimumMs: 120_000 },
  teams: { start: () => helper.teamsPlatform(6 * 650, { limit: 3, windowMs: 1_000 }), intervalMs: 1_000, optimumMs: 2_000 },
  zoom: { start: () => helper.zoomPlatform(40), intervalMs: 1_000, optimumMs: 8_000 },
};

/** Core's own loop in one process: the baseline (its scheduler on the platform's clock). */
async function single(platform, intervalMs) {
  const clock = platform.clock;
  const scheduler = {
    timers: new Map(),
    schedule(name, delayMs, task) {
      this.cancel(name);
      this.timers.set(name, clock.setTimeout ? clock.setTimeout(task, delayMs) : setTimeout(task, delayMs));
    },
    cancel(name) {
      const timer = this.timers.get(name);
      if (timer !== undefined) clearTimeout(timer);
      this.timers.delete(name);
    },
  };
  const registry = new RateBudgetRegistry(clock);
  for (const spec of platform.buckets) registry.define(spec);
  const adapter = platform.adapter(registry, globalThis.fetch, intervalMs);
  await adapter.connect();
  const aggregator = new PresenceAggregator({ clock, scheduler, pollIntervalMs: intervalMs, consentDefault: true });
  aggregator.registerAdapter(adapter);
  platform.ids.forEach((id, n) => aggregator.directory.link(`person-${n}`, platform.platform, id));
  await aggregator.startMonitoring([platform.platform]);
  return {
    jobs: () => aggregator.getPresenceStatistics().platforms[platform.platform]?.polls ?? 0,
    close: () => aggregator.close(),
  };
}

async function clustered(platform, intervalMs, instances) {
  const cluster = await helper.TestCluster.start(platform, { redisUrl, instances, intervalMs, lockMs: 5_000, leaseMs: 3_000 });
  return {
    jobs: () => cluster.instances.reduce((sum, i) => sum + (i.polling.stats()[platform.platform]?.jobs ?? 0), 0),
    close: () => cluster.close(),
  };
}

/** One row: warm up one optimum, measure three; gap in platform time, jobs per real second. */
async function measure(name, how, instances) {
  const spec = CASES[name];
  const platform = await spec.start();
  const run = how === 'loop' ? await single(platform, spec.intervalMs) : await clustered(platform, spec.intervalMs, instances);
  const speed = name === 'slack' ? 10 : 1;
  try {
    await realSleep(spec.optimumMs / speed);
    const from = platform.clock.now();
    const jobs0 = run.jobs();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await realSleep((3 * spec.optimumMs) / speed);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const jobs = run.jobs() - jobs0;
    const { gapMs } = helper.longestGap(platform.ids, platform.reads(), from, platform.clock.now());
    return { name, how, instances, gapMs, optimumMs: spec.optimumMs, ratio: gapMs / spec.optimumMs, rejected: platform.rejected(), jobsPerS: jobs / seconds, cpuMsPerJob: jobs ? (cpu.user + cpu.system) / 1000 / jobs : NaN };
  } finally {
    await run.close();
    await platform.close();
  }
}

/** The queue's capacity: Teams' published budget (1,500 / 30 s), 13,000 people, a 1 s interval. */
async function capacity(how, instances) {
  const platform = await helper.teamsPlatform(20 * 650, { limit: 1_500, windowMs: 30_000 });
  const run = how === 'loop' ? await single(platform, 1_000) : await clustered(platform, 1_000, instances);
  try {
    await realSleep(3_000);
    const calls0 = platform.calls().getPresencesByUserId;
    const jobs0 = run.jobs();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await realSleep(10_000);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const calls = platform.calls().getPresencesByUserId - calls0;
    const jobs = run.jobs() - jobs0;
    return { how, instances, callsPerS: calls / seconds, jobsPerS: jobs / seconds, cpuMsPerCall: calls ? (cpu.user + cpu.system) / 1000 / calls : NaN, rejected: platform.rejected() };
  } finally {
    await run.close();
    await platform.close();
  }
}

const fmt = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(1)} s`);

async function main() {
  console.log(`bench:polling  ${cpus().length} cores, load ${loadavg().map((n) => n.toFixed(1)).join(' ')}, node ${process.version}`);
  const cases = values.cases.split(',');
  for (const name of cases.filter((c) => c in CASES)) {
    for (const [how, instances] of [['loop', 1], ['queues', 1], ['queues', 3]]) {
      const row = await measure(name, how, instances);
      console.log(
        `  ${name.padEnd(6)} ${how === 'loop' ? 'single-process loop  ' : `queues, ${instances} instance${instances > 1 ? 's' : ' '}  `}` +
          `longest gap ${fmt(row.gapMs).padStart(6)}  optimum ${fmt(row.optimumMs).padStart(6)}  ratio ${row.ratio.toFixed(2)}  429s ${row.rejected}  ` +
          `${how === 'loop' ? 'polls' : 'jobs'}/s ${row.jobsPerS.toFixed(1)}  CPU/${how === 'loop' ? 'poll' : 'job'} ${row.cpuMsPerJob.toFixed(1)} ms`,
      );
    }
  }
  if (cases.includes('capacity')) {
    for (const [how, instances] of [['loop', 1], ['queues', 1], ['queues', 3]]) {
      const row = await capacity(how, instances);
      console.log(
        `  capacity (Teams, 13,000 people, 1 s) ${how === 'loop' ? 'single-process loop' : `queues, ${instances} instance(s)`}: ` +
          `${row.callsPerS.toFixed(1)} calls/s${how === 'loop' ? '' : `, ${row.jobsPerS.toFixed(1)} jobs/s`}, CPU ${row.cpuMsPerCall.toFixed(1)} ms per 650-id call, 429s ${row.rejected}`,
      );
    }
  }
  console.log(`  load after ${loadavg().map((n) => n.toFixed(1)).join(' ')}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
