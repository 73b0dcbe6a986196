// bench:memory — the service's RSS after GC, idle (empty store) and restored from the store with 10,000 and
// 100,000 people x 6 platforms (links and snapshot records), and how long the restore takes (start-up with
// the data minus start-up with an empty store). Targets (issue 13): 100,000 x 6 under 250 MB RSS after GC,
// restored in under 5 s. Usage: npm run bench:memory [-- --sizes 0,10000,100000]. JSON lands in bench-results/.
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const at = process.argv.indexOf('--sizes');
const SIZES = at >= 0 ? process.argv[at + 1].split(',').map(Number) : [0, 10_000, 100_000];
const MB = 1024 * 1024;

function boot(dir) {
  const child = fork(join(here, 'service.cjs'), [], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: {
      ...process.env,
      PRESENCE_SANDBOX: 'false',
      PRESENCE_CONSENT_DEFAULT: 'granted',
      PRESENCE_DATA_DIR: dir,
      PRESENCE_DB_PATH: join(dir, 'presence.sqlite'),
      PRESENCE_API_TOKEN: 'bench-admin-token-0123456789abcdef',
      PRESENCE_PUBLIC_URL: 'http://127.0.0.1:9',
      PRESENCE_LOG_LEVEL: 'error',
      PORT: '0',
    },
  });
  const next = (key) => new Promise((resolve, reject) => {
    child.on('message', (message) => key in message && resolve(message));
    child.once('exit', (code) => reject(new Error(`service exited (${code})`)));
  });
  return next('ready').then((ready) => ({
    bootMs: ready.bootMs,
    rss: async () => {
      const answer = next('done');
      child.send({ cmd: 'rss' });
      return (await answer).memory;
    },
    stop: () => new Promise((resolve) => {
      child.once('exit', resolve);
      child.send({ cmd: 'exit' });
    }),
  }));
}

const rows = [];
for (const people of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), 'presence-bench-memory-'));
  try {
    if (people > 0) execFileSync(process.execPath, [join(here, 'seed.cjs'), join(dir, 'presence.sqlite'), String(people)], { stdio: 'inherit' });
    const service = await boot(dir);
    const memory = await service.rss();
    await service.stop();
    rows.push({ people, records: people * 6, bootMs: service.bootMs, rssMb: memory.rss / MB, heapUsedMb: memory.heapUsed / MB, externalMb: memory.external / MB });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const idle = rows.find((row) => row.people === 0);
for (const row of rows) row.restoreMs = idle ? row.bootMs - idle.bootMs : undefined;
const largest = rows[rows.length - 1];
const targets = [
  { target: `${largest.people} people x 6 platforms under 250 MB RSS after GC`, measured: `${largest.rssMb.toFixed(0)} MB`, met: largest.rssMb < 250 },
  { target: `${largest.people} people x 6 platforms restored in < 5 s`, measured: `${(largest.restoreMs / 1000).toFixed(2)} s`, met: largest.restoreMs < 5000 },
];
console.log(`bench:memory  ${cpus().length} cores, node ${process.version}`);
for (const row of rows) {
  console.log(`  ${String(row.people).padStart(6)} people: RSS ${row.rssMb.toFixed(0)} MB (heap ${row.heapUsedMb.toFixed(0)} MB), start-up ${(row.bootMs / 1000).toFixed(2)} s, restore ${(row.restoreMs / 1000).toFixed(2)} s`);
}
for (const t of targets) console.log(`  ${t.met ? 'MET   ' : 'MISSED'} ${t.target}: ${t.measured}`);
if (!targets[0].met) console.log(`  cause: heap ${largest.heapUsedMb.toFixed(0)} MB for ${largest.records} records: core keeps a PresenceData object with Date fields per record, the directory two Maps of id strings, and the persistence service a "userId\\0platform" status key per record`);
const resultsDir = join(root, 'bench-results');
mkdirSync(resultsDir, { recursive: true });
const out = join(resultsDir, `memory-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, JSON.stringify({ node: process.version, cores: cpus().length, loadavg: loadavg(), rows, targets }, null, 2));
console.log(`  JSON: ${out}`);
