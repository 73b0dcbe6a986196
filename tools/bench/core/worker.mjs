// One column of the core benchmark in its own process, so its RSS is its own:
//   node --expose-gc worker.mjs --impl project|floor --people N [--core libs/core/dist/index.js] [--phase all|ingest|reads]
//     [--profile file.cpuprofile]  (a CPU profile of the measured phase only, setup and linking left out)
// Prints one JSON line: readings/s, reads/s, 1,000-id availability (median ms), RSS after GC (MB).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { AVAILABILITY_IDS, BATCH, median, people, PLATFORMS, random, READS, recordBuilders, roundsFor, settledRssMb } from './workload.mjs';

const { values } = parseArgs({
  options: {
    impl: { type: 'string', default: 'project' },
    people: { type: 'string', default: '1000' },
    core: { type: 'string', default: new URL('../../../libs/core/dist/index.js', import.meta.url).pathname },
    phase: { type: 'string', default: 'all' },
    profile: { type: 'string' },
  },
});
const core = createRequire(import.meta.url)(values.core);
const count = Number(values.people);
const { userIds, accounts } = people(count);
const builders = recordBuilders(core);
const rounds = values.phase === 'reads' ? 1 : roundsFor(count);
const next = random();

const CAPABILITIES = {
  discord: { freshness: 'push', poll: false, push: true },
  slack: { freshness: 'poll', poll: true, push: false, idsPerMinute: 50 },
  teams: { freshness: 'push', poll: false, push: true },
  zoom: { freshness: 'push', poll: false, push: true },
  whatsapp: { freshness: 'inferred', poll: false, push: true, inferred: true },
  linkedin: { freshness: 'inferred', poll: false, push: true, inferred: true },
};

/** The project: the real facade, adapters registered and monitoring, a presence and an aggregate listener. */
async function project() {
  // No timer ever fires during the run: housekeeping and polls would be noise in a throughput figure.
  const scheduler = { schedule: () => undefined, cancel: () => undefined, pending: () => [] };
  const aggregator = new core.PresenceAggregator({ scheduler, pollIntervalMs: 3_600_000 });
  for (const platform of PLATFORMS) {
    const capabilities = { inferred: false, batchSize: 100, rateBudgets: [], fields: [], ...CAPABILITIES[platform] };
    aggregator.registerAdapter({
      platform,
      capabilities,
      connect: async () => undefined,
      fetchPresence: async () => ({ records: [], notFound: [] }),
      ...(capabilities.push ? { startPush: async (sink) => sink.connection('up'), stopPush: async () => undefined } : {}),
      close: async () => undefined,
    });
  }
  for (let p = 0; p < PLATFORMS.length; p++) {
    for (let i = 0; i < count; i++) aggregator.directory.link(userIds[i], PLATFORMS[p], accounts[p][i]);
  }
  await aggregator.startMonitoring();
  let heard = 0;
  aggregator.addPresenceListener(() => {
    heard++;
  });
  aggregator.addAggregateListener(() => {
    heard++;
  });
  const batch = [];
  return {
    ingestRound() {
      for (let p = 0; p < PLATFORMS.length; p++) {
        const build = builders[p];
        const ids = accounts[p];
        const platform = PLATFORMS[p];
        for (let i = 0; i < count; i += BATCH) {
          const nowMs = Date.now();
          const end = Math.min(count, i + BATCH);
          batch.length = 0;
          for (let j = i; j < end; j++) batch.push(build(ids[j], next(), nowMs));
          aggregator.ingest(platform, batch);
        }
      }
    },
    read: (userId) => aggregator.getAggregatedPresence(userId),
    availability: (ids) => aggregator.areUsersAvailable(ids),
    check: () => ({ heard }),
  };
}

/** The floor: the same records written raw into a Map of six slots; a read is a max over the slots. */
function floor() {
  const PRIORITY = { online: 5, idle: 4, busy: 3, away: 2, offline: 1, unknown: 0 };
  const held = new Map();
  const aggregate = (userId) => {
    const slots = held.get(userId);
    if (slots === undefined) return 'unknown';
    let best = 'unknown';
    for (let p = 0; p < 6; p++) {
      const record = slots[p];
      if (record !== undefined && PRIORITY[record.status] > PRIORITY[best]) best = record.status;
    }
    return best;
  };
  return {
    ingestRound() {
      for (let p = 0; p < PLATFORMS.length; p++) {
        const build = builders[p];
        const ids = accounts[p];
        let nowMs = 0;
        for (let i = 0; i < count; i++) {
          // The clock read as often as the project reads it: once per batch.
          if (i % BATCH === 0) nowMs = Date.now();
          let slots = held.get(userIds[i]);
          if (slots === undefined) {
            slots = [undefined, undefined, undefined, undefined, undefined, undefined];
            held.set(userIds[i], slots);
          }
          slots[p] = build(ids[i], next(), nowMs);
        }
      }
    },
    read: aggregate,
    availability(ids) {
      const out = {};
      for (const userId of ids) {
        const status = aggregate(userId);
        out[userId] = status === 'online' || status === 'idle';
      }
      return out;
    },
    check: () => ({ people: held.size }),
  };
}

const impl = values.impl === 'floor' ? floor() : await project();
const profiler = values.profile === undefined ? undefined : new Session();
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}

// Rates are per CPU second of this process (all its threads, GC helpers included): what one core does,
// whatever else the shared machine runs. Wall-clock rates are kept in the JSON too.
const cpuSeconds = (since) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1e6;
};
let started = performance.now();
let cpu = process.cpuUsage();
for (let round = 0; round < rounds; round++) impl.ingestRound();
const ingestWallPerSec = (rounds * count * PLATFORMS.length) / ((performance.now() - started) / 1000);
const ingestPerSec = (rounds * count * PLATFORMS.length) / cpuSeconds(cpu);

let readsPerSec = 0;
let readsWallPerSec = 0;
let availabilityMs = 0;
if (values.phase !== 'ingest') {
  const readIds = Array.from({ length: 4096 }, () => userIds[next() % count]);
  let sink = 0;
  started = performance.now();
  cpu = process.cpuUsage();
  for (let i = 0; i < READS; i++) if (impl.read(readIds[i & 4095]) === 'online') sink++;
  readsPerSec = READS / cpuSeconds(cpu);
  readsWallPerSec = READS / ((performance.now() - started) / 1000);

  const ids = Array.from({ length: AVAILABILITY_IDS }, () => userIds[next() % count]);
  // Per call, in CPU time as well: a call of a millisecond or less is often preempted on a loaded machine.
  const times = [];
  for (let call = 0; call < 200; call++) {
    const t = process.cpuUsage();
    const answer = impl.availability(ids);
    times.push(cpuSeconds(t) * 1000);
    if (answer[ids[0]]) sink++;
  }
  availabilityMs = median(times);
  if (sink < 0) console.error('unreachable');
}

if (profiler) writeFileSync(values.profile, JSON.stringify((await profiler.post('Profiler.stop')).profile));
const rssMb = await settledRssMb();
console.log(JSON.stringify({ impl: values.impl, people: count, rounds, readings: rounds * count * PLATFORMS.length, ingestPerSec, readsPerSec, ingestWallPerSec, readsWallPerSec, availabilityMs, rssMb, check: impl.check() }));
process.exit(0);
