// bench:http — the service's HTTP path against a bare node:http server in the same run, same client, same
// connections (issue 13). Starts the real service (sandbox off, SQLite in a temp dir), links 1,000 people on
// three platforms, ingests a reading for each, creates a read-scoped API key; the bare server answers the
// same JSON views from a Map, and so do plain Fastify (the service's platform alone) and plain Express (the
// platform it had before). Each route is driven at 16 and 64 connections (10 s each, as five rounds of the four
// servers in turn, each keeping its median round; --quick: 2 s). A ratio to the bare server is the median of the
// rounds' own ratios: each round runs the service and the bare server back to back, so a machine that speeds up
// or slows down between rounds (this shared one does, by tens of percent) moves both sides of a round alike.
//
//   npm run bench:http [-- --quick] [-- --profile]      (--profile: a V8 CPU profile of the service under load)
//
// Targets: GET /v1/presence/{id} >= 40% of the bare server's req/s; its p99 < 10 ms at 1,000 req/s; a 1,000-id
// POST /v1/availability answered in < 5 ms at p50 server-side. JSON lands in bench-results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { root, startService, startBare, startExpress, startFastify, inParallel } = require('./processes.cjs');
const { drive, requestBytes } = require('./load-client.cjs');
const { summarizeProfile, printProfile } = require('./profile-summary.cjs');

const quick = process.argv.includes('--quick');
const profile = process.argv.includes('--profile');
const seconds = quick ? 2 : 10;
const PEOPLE = 1000;
const PLATFORMS = ['slack', 'teams', 'zoom'];
const STATUSES = { slack: [['online', 'active'], ['away', 'away']], teams: [['online', 'Available'], ['busy', 'Busy'], ['dnd', 'DoNotDisturb'], ['away', 'Away']], zoom: [['online', 'Available'], ['busy', 'In_A_Zoom_Meeting'], ['offline', 'Offline']] };
const resultsDir = join(root, 'bench-results');
const f0 = (n) => Math.round(n).toLocaleString('en-US');
const f1 = (n) => n.toFixed(1);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ROUNDS = 5;
/** The round with the median request rate (its latencies and CPU with it). */
const medianRound = (results) => [...results].sort((a, b) => a.rps - b.rps)[Math.floor(results.length / 2)];
/** The median over rounds of `server`'s rate over the bare server's in the same round. */
const pairedRatio = (server, bare) => median(server.map((round, i) => round.rps / bare[i].rps));

console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}${quick ? ', --quick' : ''}`);
const service = await startService();
const bare = await startBare();
const plainExpress = await startExpress();
const plainFastify = await startFastify();
try {
  // ---- set-up: people, readings, a read key; the same views copied to the bare server ----
  const ids = Array.from({ length: PEOPLE }, (_, i) => `person-${String(i).padStart(4, '0')}`);
  await inParallel(ids, 8, (id) => service.call('PUT', `/v1/users/${id}/identities`, Object.fromEntries(PLATFORMS.map((p) => [p, `${p}-${id}`]))));
  for (const platform of PLATFORMS) {
    const items = ids.map((id, i) => {
      const [status, raw] = STATUSES[platform][(i * 7 + platform.length) % STATUSES[platform].length];
      return [`${platform}-${id}`, status, raw];
    });
    await service.ask('ingest', { platform, items });
  }
  const { key } = await service.call('POST', '/v1/api-keys', { name: 'bench-read', scopes: ['read'] });
  const views = [];
  await inParallel(ids, 8, async (id) => views.push(await service.call('GET', `/v1/presence/${id}`, undefined, key)));
  await bare.ask('load', { views });
  await plainExpress.ask('load', { views });
  await plainFastify.ask('load', { views });
  console.log(`set-up: ${PEOPLE} people x ${PLATFORMS.length} platforms linked and ingested, read key created; a presence view is ${JSON.stringify(views[0]).length} bytes`);

  const gets = ids.map((id) => requestBytes({ path: `/v1/presence/${id}`, token: key }));
  const availability = (n) => [0, 1, 2, 3].map((k) => requestBytes({ method: 'POST', path: '/v1/availability', token: key, body: { userIds: ids.slice(0, n).map((id, i) => (i % 4 === k ? id : id)) } }));
  const scenarios = [
    // `timed`: the service records server-side times (a listener per request, the benchmark's own cost in the
    // measured process): for the availability routes, whose target reads them, not in the GET runs set against
    // the bare server, which records nothing.
    { name: 'GET /v1/presence/{id}', connections: 16, requests: gets, timed: false },
    { name: 'GET /v1/presence/{id}', connections: 64, requests: gets, timed: false },
    { name: 'POST /v1/availability, 100 ids', connections: 16, requests: availability(100), timed: true },
    { name: 'POST /v1/availability, 1,000 ids', connections: 16, requests: availability(1000), timed: true },
  ];
  const cpuOf = async (server) => (await server.ask('cpu')).cpu;
  // CPU per request, and its user (JavaScript) and system (syscalls, the socket writes) parts.
  const run = async (server, scenario, options = {}) => {
    const before = await cpuOf(server);
    const result = await drive({ port: server.port, connections: scenario.connections, durationMs: seconds * 1000, requests: scenario.requests, ...options });
    const after = await cpuOf(server);
    if (result.errors) throw new Error(`${scenario.name}: ${result.errors} non-2xx answers ${JSON.stringify(result.statuses)}`);
    const userUs = (after.user - before.user) / result.requests;
    const systemUs = (after.system - before.system) / result.requests;
    return { ...result, cpuUsPerRequest: userUs + systemUs, userUsPerRequest: userUs, systemUsPerRequest: systemUs };
  };

  // Warm-up: both servers optimized before anything is measured.
  for (const server of [service, plainFastify, plainExpress, bare]) {
    await drive({ port: server.port, connections: 16, durationMs: quick ? 500 : 2000, requests: gets });
    await drive({ port: server.port, connections: 4, durationMs: quick ? 300 : 1000, requests: availability(1000) });
  }
  await service.ask('timings');
  mkdirSync(resultsDir, { recursive: true });
  const profileFile = join(resultsDir, `http-${Date.now()}.cpuprofile`);
  if (profile) await service.ask('profile-start');

  const rows = [];
  for (const scenario of scenarios) {
    await service.ask('timings', { on: scenario.timed });
    // Five rounds of the four servers in turn, a fifth of the time each, the bare server right after the service:
    // a machine that slows down for a while (the shared 2-core one does) slows every column, each column keeps its
    // median round, and each ratio is the median of the rounds' own.
    const servers = [service, bare, plainFastify, plainExpress];
    const rounds = servers.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < servers.length; i++) rounds[i].push(await run(servers[i], scenario, { durationMs: (seconds * 1000) / ROUNDS }));
    }
    const [project, baseline, fastifyOnly, expressOnly] = rounds.map(medianRound);
    const [projectRounds, bareRounds, fastifyRounds, expressRounds] = rounds;
    const server = await service.ask('timings');
    const serverSide = Object.entries(server.timings).find(([route]) => route.startsWith(scenario.name.startsWith('GET') ? 'GET /v1/presence' : 'POST /v1/availability'))?.[1] ?? [];
    rows.push({
      ...scenario,
      requests: undefined,
      project,
      fastify: fastifyOnly,
      express: expressOnly,
      bare: baseline,
      rounds: Object.fromEntries(['project', 'bare', 'fastify', 'express'].map((name, i) => [name, rounds[i].map(({ rps, cpuUsPerRequest }) => ({ rps, cpuUsPerRequest }))])),
      roundRatios: projectRounds.map((round, i) => round.rps / bareRounds[i].rps),
      ratio: pairedRatio(projectRounds, bareRounds),
      fastifyRatio: pairedRatio(fastifyRounds, bareRounds),
      expressRatio: pairedRatio(expressRounds, bareRounds),
      serverP50: serverSide.length ? median(serverSide) : NaN,
    });
  }
  // Server-side time of one 1,000-id availability alone (one connection, no queueing behind other requests).
  await service.ask('timings', { on: true });
  const single = await run(service, { name: 'POST /v1/availability, 1,000 ids, 1 conn', connections: 1, requests: availability(1000) }, { maxRequests: quick ? 200 : 1000 });
  const singleServer = Object.entries((await service.ask('timings')).timings).find(([route]) => route.startsWith('POST /v1/availability'))[1];
  const bulkServerP50 = median(singleServer);
  // The latency target: a fixed 1,000 req/s (not saturation), same client against both.
  const paced = { name: 'GET /v1/presence/{id} at 1,000 req/s', connections: 16, requests: gets };
  const pacedProject = await run(service, paced, { rate: 1000 });
  const pacedBare = await run(bare, paced, { rate: 1000 });
  await service.ask('timings');

  console.log('\n| Route | project req/s | bare req/s | ratio | plain Fastify req/s (ratio) | plain Express req/s (ratio) | project p50 / p99 | bare p50 / p99 | project server p50 | CPU/request: project / Fastify / Express / bare |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    console.log(`| ${row.name}, ${row.connections} conns | ${f0(row.project.rps)} | ${f0(row.bare.rps)} | ${f1(row.ratio * 100)}% | ${f0(row.fastify.rps)} (${f1(row.fastifyRatio * 100)}%) | ${f0(row.express.rps)} (${f1(row.expressRatio * 100)}%) | ${f1(row.project.p50)} / ${f1(row.project.p99)} ms | ${f1(row.bare.p50)} / ${f1(row.bare.p99)} ms | ${Number.isNaN(row.serverP50) ? '-' : `${row.serverP50.toFixed(2)} ms`} | ${f0(row.project.cpuUsPerRequest)} / ${f0(row.fastify.cpuUsPerRequest)} / ${f0(row.express.cpuUsPerRequest)} / ${f0(row.bare.cpuUsPerRequest)} µs |`);
  }
  console.log(`| ${paced.name}, 16 conns | ${f0(pacedProject.rps)} | ${f0(pacedBare.rps)} | | | | ${f1(pacedProject.p50)} / ${f1(pacedProject.p99)} ms | ${f1(pacedBare.p50)} / ${f1(pacedBare.p99)} ms | | ${f0(pacedProject.cpuUsPerRequest)} / - / - / ${f0(pacedBare.cpuUsPerRequest)} µs |`);

  const get16 = rows[0];
  const get64 = rows[1];
  const bulk = { ...rows[3], serverP50: bulkServerP50 };
  const targets = [
    {
      target: 'GET /v1/presence/{id} >= 40% of the bare server req/s (16 and 64 connections)',
      met: get16.ratio >= 0.4 && get64.ratio >= 0.4,
      measured: `${f1(get16.ratio * 100)}% and ${f1(get64.ratio * 100)}% (rounds: ${[get16, get64].map((row) => row.roundRatios.map((r) => f1(r * 100)).join(' ')).join('; ')})`,
      cause: `CPU per request: the service ${f0(get16.project.cpuUsPerRequest)} µs (${f0(get16.project.userUsPerRequest)} user, ${f0(get16.project.systemUsPerRequest)} system), plain Fastify ${f0(get16.fastify.cpuUsPerRequest)} µs, the bare server ${f0(get16.bare.cpuUsPerRequest)} µs (${f0(get16.bare.userUsPerRequest)} user, ${f0(get16.bare.systemUsPerRequest)} system); plain Fastify alone reaches ${f1(get16.fastifyRatio * 100)}% / ${f1(get64.fastifyRatio * 100)}% of the bare server${get16.fastifyRatio < 0.4 || get64.fastifyRatio < 0.4 ? ', so on this platform the target is out of reach whatever the service does' : ''}; --profile shows where the service's time goes`,
    },
    {
      target: 'GET /v1/presence/{id} p99 < 10 ms at 1,000 req/s',
      met: pacedProject.p99 < 10,
      measured: `p99 ${f1(pacedProject.p99)} ms (bare ${f1(pacedBare.p99)} ms)`,
      cause: `p50 ${f1(pacedProject.p50)} ms, max ${f1(pacedProject.max)} ms; ${f0(pacedProject.cpuUsPerRequest)} µs CPU per request`,
    },
    {
      target: '1,000-id POST /v1/availability < 5 ms at p50 server-side',
      met: bulk.serverP50 < 5,
      measured: `${bulk.serverP50.toFixed(2)} ms server-side p50 alone on one connection (client p50 ${f1(single.p50)} ms; ${rows[3].serverP50.toFixed(2)} ms server-side under 16 connections)`,
      cause: `${f0(bulk.project.cpuUsPerRequest)} µs CPU per request: parse 1,000 ids, validate, 1,000 aggregate reads, serialize`,
    },
  ];
  console.log('');
  for (const t of targets) console.log(`${t.met ? 'MET   ' : 'MISSED'} ${t.target}: ${t.measured}${t.met ? '' : ` — ${t.cause}`}`);

  let profileSummary;
  if (profile) {
    await service.ask('profile-stop', { file: profileFile });
    profileSummary = summarizeProfile(profileFile);
    printProfile(`service CPU profile under load (${profileFile})`, profileSummary);
  }
  const out = join(resultsDir, `http-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify({ node: process.version, cores: cpus().length, loadavg: loadavg(), quick, seconds, people: PEOPLE, rows, paced: { project: pacedProject, bare: pacedBare }, availability1000Alone: { ...single, serverP50: bulkServerP50 }, targets, profile: profileSummary }, null, 2));
  console.log(`\nresults: ${out}`);
} finally {
  await service.stop().catch(() => undefined);
  await bare.stop();
  await plainExpress.stop();
  await plainFastify.stop();
}
