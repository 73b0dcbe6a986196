// One bench:budgets case in its own process: node case.cjs <slack|teams|zoom> <people> [--sweeps 2]
// Core's real polling loop (PresenceAggregator with the clock and scheduler injected, startMonitoring at the
// default interval) drives the real adapter against its emulator, all on one virtual clock: time stands still
// while a request is on the wire and jumps to the next timer when nothing is in flight, so 200 minutes of a
// sweep take as long as their requests. Prints one JSON line: the longest gap between two presence reads of
// any person, the optimum, the 429s the emulator counted and what core saw.
require('../http/ts-register.cjs');
const { parseArgs } = require('node:util');
const { AGGREGATOR_DEFAULTS, PresenceAggregator } = require('@amo/presence-core');
// Plain fixture modules of the adapters' own budget specs: Zoom's discrete-event clock (also pacing fetch) and
// Teams' named-timer scheduler for core, which needs only setTimeout/clearTimeout of the clock it is given.
const { VirtualClock } = require('../../../libs/adapters/zoom/src/__fixtures__/virtual-clock.ts');
const { ManualScheduler } = require('../../../libs/adapters/teams/src/__fixtures__/manual-clock.ts');
const { PLATFORMS } = require('./platforms.cjs');

const START = Date.parse('2026-03-02T09:00:00Z');

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { sweeps: { type: 'string', default: '2' } } });
  const [platform, count] = [positionals[0], Number(positionals[1])];
  const spec = PLATFORMS[platform];
  if (!spec || !(count > 0)) throw new Error('usage: case.cjs <slack|teams|zoom> <people> [--sweeps 2]');
  const intervalMs = AGGREGATOR_DEFAULTS.pollIntervalMs;
  const optimumMs = spec.optimumMs(count, intervalMs);
  // The first two steps ramp up (budgets start full, a pacer learns the interval core really polls at): gaps
  // count between reads after them, over `sweeps` optimum periods (at least four intervals), so everyone is read
  // at least twice inside the window whatever their place in the round robin.
  const measureFrom = START + 2 * intervalMs;
  const until = measureFrom + Math.max(Number(values.sweeps) * optimumMs, 4 * intervalMs);

  const clock = new VirtualClock(START);
  const run = await spec.start(clock, count);
  const aggregator = new PresenceAggregator({ clock, scheduler: new ManualScheduler(clock), consentDefault: true });
  const real = process.hrtime.bigint();
  try {
    run.ids.forEach((id, index) => aggregator.directory.link(`person-${index}`, platform, id));
    aggregator.registerAdapter(run.adapter);
    await aggregator.startMonitoring([platform]);
    if (run.trim) {
      const trim = () => {
        run.trim(clock.now());
        clock.setTimeout(trim, intervalMs);
      };
      clock.setTimeout(trim, intervalMs);
    }
    // Progress on stderr every few seconds of real time, so a case cut short says how far it got.
    const progress = setInterval(() => process.stderr.write(`${JSON.stringify({ progressMs: clock.now() - START, of: until - START })}\n`), 5_000);
    await clock.sleep(until - clock.now());
    clearInterval(progress);
    await aggregator.stopMonitoring([platform]);
    const stats = aggregator.getPresenceStatistics().platforms[platform] ?? {};
    const gaps = longestGap(run.ids, run.reads(), measureFrom, until);
    const result = {
      platform,
      people: count,
      intervalMs,
      limits: spec.limits(),
      optimumMs,
      ...gaps,
      ratio: gaps.longestGapMs / optimumMs,
      rejected: run.rejected(),
      rejectedBy: run.rejectedBy(),
      calls: run.calls(),
      polls: stats.polls ?? 0,
      pollErrors: stats.errors ?? 0,
      lastError: stats.lastError ?? null,
      virtualMs: until - START,
      realMs: Number(process.hrtime.bigint() - real) / 1e6,
      rssMb: process.memoryUsage().rss / 2 ** 20,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await aggregator.close();
    await run.close();
  }
}

/**
 * The longest any person waited between two admitted presence reads inside [from, until]; the wait from a
 * person's last read to `until` counts too (a lower bound), so someone who stopped being read is not missed.
 */
function longestGap(ids, reads, from, until) {
  const last = new Map();
  let longestGapMs = 0;
  let who;
  let endedAt;
  let readsInWindow = 0;
  const consider = (id, gap, at) => {
    if (gap > longestGapMs) [longestGapMs, who, endedAt] = [gap, id, at];
  };
  for (const [id, at] of reads) {
    if (at < from || at > until) continue;
    readsInWindow++;
    const before = last.get(id);
    if (before !== undefined) consider(id, at - before, at);
    last.set(id, at);
  }
  let neverRead = 0;
  for (const id of ids) {
    const before = last.get(id);
    if (before === undefined) neverRead++;
    consider(id, until - (before ?? from), until);
  }
  return { longestGapMs, longestGapPerson: who, longestGapEndedAtMs: endedAt === undefined ? undefined : endedAt - START, readsInWindow, neverReadInWindow: neverRead };
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench:budgets case: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
