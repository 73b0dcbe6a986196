// bench:cluster — what scale-out costs and gives (issue 16), all in one run on this machine: the embedded default
// (SQLite, in-memory cache, one process) beside cluster mode (PostgreSQL + Redis) with 1, 2 and 3 instances.
// Each configuration links PEOPLE people on three platforms (through instance 0's API; the links reach the others
// over the change bus), ingests a reading for each on instance 0, waits until every instance serves them all,
// then drives GET /v1/presence/{id} with the same 32 keep-alive connections spread over its instances (10 s;
// --quick: 2 s): total req/s, latency, the instances' CPU per request and memory. With two or more instances, it
// also measures change latency across instances: a reading ingested on instance 0 to the moment a stream client on
// instance 1 has it, beside the same client on instance 0 (the baseline in the same run).
//
//   npm run bench:cluster [-- --quick] [-- --people 5000]
//
// Needs the machine's PostgreSQL and Redis (PRESENCE_TEST_POSTGRES_URL, PRESENCE_TEST_REDIS_URL, or the local
// defaults); every run uses its own schema and key prefix and removes them. JSON lands in bench-results/.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { root, ADMIN_TOKEN, startService, inParallel } = require('../http/processes.cjs');
const { drive, requestBytes } = require('../http/load-client.cjs');
const Redis = require('ioredis');
const { DataSource } = require('typeorm');
const { WebSocket } = require('ws');

const quick = process.argv.includes('--quick');
const peopleArg = process.argv.indexOf('--people');
const PEOPLE = peopleArg > 0 ? Number(process.argv[peopleArg + 1]) : 2000;
const seconds = quick ? 2 : 10;
const CONNECTIONS = 32;
const CHANGES = quick ? 60 : 200;
const PLATFORMS = ['slack', 'teams', 'zoom'];
const POSTGRES_URL = process.env.PRESENCE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const f0 = (n) => Math.round(n).toLocaleString('en-US');
const f1 = (n) => n.toFixed(1);
const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};

async function admin(sql) {
  const source = new DataSource({ type: 'postgres', url: POSTGRES_URL, poolSize: 1 });
  await source.initialize();
  try {
    await source.query(sql);
  } finally {
    await source.destroy();
  }
}

/** `count` service processes: embedded (SQLite each, count 1) or one cluster (one schema and prefix). */
async function startConfiguration(name, count, cluster) {
  const tag = `bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const env = cluster
    ? {
        DATABASE_URL: POSTGRES_URL,
        PRESENCE_DATABASE_SCHEMA: tag,
        REDIS_URL,
        PRESENCE_REDIS_PREFIX: `${tag}:`,
        PRESENCE_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
        PRESENCE_LOG_LEVEL: 'warn',
      }
    : { PRESENCE_LOG_LEVEL: 'warn' };
  const instances = [];
  // One after another: the first runs the migrations.
  for (let i = 0; i < count; i++) instances.push(await startService({ env: { ...env, PRESENCE_INSTANCE_ID: `${name}-${i}` } }));
  return {
    name,
    instances,
    async stop() {
      await Promise.all(instances.map((instance) => instance.stop()));
      if (!cluster) return;
      await admin(`DROP SCHEMA IF EXISTS "${tag}" CASCADE`);
      const redis = new Redis(REDIS_URL);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${tag}:*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
    },
    async redisBytes() {
      if (!cluster) return 0;
      const redis = new Redis(REDIS_URL);
      let bytes = 0;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${tag}:p:*`, 'COUNT', 1000);
        for (const key of keys) bytes += (await redis.memory('USAGE', key)) ?? 0;
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
      return bytes;
    },
  };
}

const ids = Array.from({ length: PEOPLE }, (_, i) => `person-${String(i).padStart(5, '0')}`);

async function setUp(configuration) {
  const [first] = configuration.instances;
  await inParallel(ids, 8, (id) => first.call('PUT', `/v1/users/${id}/identities`, Object.fromEntries(PLATFORMS.map((p) => [p, `${p}-${id}`]))));
  const started = performance.now();
  for (const platform of PLATFORMS) {
    await first.ask('ingest', { platform, items: ids.map((id, i) => [`${platform}-${id}`, i % 2 ? 'online' : 'away', i % 2 ? 'active' : 'away']) });
  }
  const last = ids[ids.length - 1];
  for (const instance of configuration.instances) {
    for (;;) {
      if (performance.now() - started > 300_000) throw new Error('the readings did not reach every instance within 5 minutes');
      const view = await instance.call('GET', `/v1/presence/${last}`).catch(() => undefined);
      if (view?.platforms?.zoom?.lastUpdated) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return performance.now() - started;
}

async function cpuMs(instance) {
  const { cpu } = await instance.ask('cpu');
  return (cpu.user + cpu.system) / 1000;
}

/** The same connections spread over the instances, at once; totals and the instances' CPU per request. */
async function throughput(configuration) {
  const gets = ids.map((id) => requestBytes({ path: `/v1/presence/${id}` , token: ADMIN_TOKEN }));
  const { instances } = configuration;
  const per = Math.floor(CONNECTIONS / instances.length);
  await Promise.all(instances.map((instance) => drive({ port: instance.port, connections: per, durationMs: quick ? 500 : 2000, requests: gets })));
  const before = await Promise.all(instances.map(cpuMs));
  const results = await Promise.all(instances.map((instance) => drive({ port: instance.port, connections: per, durationMs: seconds * 1000, requests: gets })));
  const after = await Promise.all(instances.map(cpuMs));
  const requests = results.reduce((sum, r) => sum + r.requests, 0);
  const errors = results.reduce((sum, r) => sum + r.errors, 0);
  if (errors) throw new Error(`${configuration.name}: ${errors} non-2xx answers`);
  const cpu = after.reduce((sum, ms, i) => sum + ms - before[i], 0);
  const rss = (await Promise.all(instances.map((instance) => instance.ask('cpu')))).map((answer) => answer.rss);
  return {
    rps: results.reduce((sum, r) => sum + r.rps, 0),
    p50: pct(results.map((r) => r.p50), 50),
    p99: Math.max(...results.map((r) => r.p99)),
    cpuUsPerRequest: (cpu * 1000) / requests,
    rssMb: rss.map((bytes) => bytes / 1048576),
  };
}

function openStream(instance, userId) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${instance.port}/v1/stream`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const arrivals = [];
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'subscribed') resolve({ socket, arrivals });
      if (message.type === 'presence') arrivals.push({ at: performance.now(), raw: message.presence.rawStatus });
    });
    socket.once('open', () => socket.send(JSON.stringify({ type: 'subscribe', userIds: [userId] })));
    socket.once('error', reject);
  });
}

/** Readings ingested on instance 0, one at a time: when instance 0's own client has each, and instance 1's. */
async function changeLatency(configuration) {
  const [first, second] = configuration.instances;
  const userId = ids[0];
  const local = await openStream(first, userId);
  const remote = await openStream(second, userId);
  const same = [];
  const across = [];
  const hop = [];
  for (let i = 0; i < CHANGES; i++) {
    const raw = `change-${i}`;
    const sentAt = performance.now();
    await first.ask('ingest', { platform: 'slack', items: [[`slack-${userId}`, i % 2 ? 'away' : 'online', raw]] });
    // Person 0 starts away (set-up): each reading flips the status, so each is a change.
    for (;;) {
      if (performance.now() - sentAt > 10_000) throw new Error(`${raw} did not reach both clients within 10 s`);
      const a = local.arrivals.find((x) => x.raw === raw);
      const b = remote.arrivals.find((x) => x.raw === raw);
      if (a && b) {
        same.push(a.at - sentAt);
        across.push(b.at - sentAt);
        hop.push(b.at - a.at);
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  local.socket.close();
  remote.socket.close();
  return { same, across, hop };
}

console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}${quick ? ', --quick' : ''}; ${f0(PEOPLE)} people x ${PLATFORMS.length} platforms`);
const plan = [
  { name: 'embedded (SQLite, in memory)', count: 1, cluster: false },
  { name: 'cluster, 1 instance', count: 1, cluster: true },
  { name: 'cluster, 2 instances', count: 2, cluster: true },
  { name: 'cluster, 3 instances', count: 3, cluster: true },
];
const rows = [];
for (const step of plan) {
  const configuration = await startConfiguration(step.name.replace(/[^a-z0-9]+/gi, '-'), step.count, step.cluster);
  try {
    const setUpMs = await setUp(configuration);
    const get = await throughput(configuration);
    const latency = step.count >= 2 ? await changeLatency(configuration) : undefined;
    const row = {
      configuration: step.name,
      instances: step.count,
      peopleMonitored: PEOPLE,
      setUpMs,
      getRps: get.rps,
      getP50Ms: get.p50,
      getP99Ms: get.p99,
      cpuUsPerGet: get.cpuUsPerRequest,
      rssMbPerInstance: get.rssMb,
      redisBytes: await configuration.redisBytes(),
      changeLatency: latency && {
        sameInstanceP50Ms: pct(latency.same, 50),
        sameInstanceP99Ms: pct(latency.same, 99),
        acrossP50Ms: pct(latency.across, 50),
        acrossP99Ms: pct(latency.across, 99),
        hopP50Ms: pct(latency.hop, 50),
        hopP99Ms: pct(latency.hop, 99),
      },
    };
    rows.push(row);
    console.log(
      `${step.name.padEnd(30)} GET ${f0(row.getRps).padStart(7)} req/s  p50 ${f1(row.getP50Ms)} ms  p99 ${f1(row.getP99Ms)} ms  ${f1(row.cpuUsPerGet)} µs CPU/GET  ` +
        `RSS ${row.rssMbPerInstance.map((mb) => f0(mb)).join('/')} MB  Redis ${f0(row.redisBytes / 1024)} KiB  ready in ${f0(setUpMs)} ms` +
        (row.changeLatency
          ? `\n${' '.repeat(30)} change i0 -> client on i1: p50 ${f1(row.changeLatency.acrossP50Ms)} ms, p99 ${f1(row.changeLatency.acrossP99Ms)} ms (same instance p50 ${f1(row.changeLatency.sameInstanceP50Ms)}, p99 ${f1(row.changeLatency.sameInstanceP99Ms)}; the hop p50 ${f1(row.changeLatency.hopP50Ms)}, p99 ${f1(row.changeLatency.hopP99Ms)})`
          : ''),
    );
  } finally {
    await configuration.stop();
  }
}
const dir = join(root, 'bench-results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `cluster-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), node: process.version, cores: cpus().length, loadavg: loadavg(), quick, people: PEOPLE, rows }, null, 2));
console.log(`load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}; results in ${file}`);
