// Load on the running service over loopback: POST /v1/availability (100 ids) and GET /v1/presence/{id}.
// Boots the built service in sandbox mode in a temp folder, drives a bounded number of requests at a fixed
// concurrency, and reports throughput, latency percentiles and the service's resident memory.
// Run: npx nx run-many -t build -p presence-api presence-dashboard && node tools/bench/api-load.mjs [requests] [concurrency]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const requests = Number(process.argv[2] ?? 5000);
const concurrency = Number(process.argv[3] ?? 16);
const port = 3900 + Math.floor(Math.random() * 90);
const dir = mkdtempSync(join(tmpdir(), 'presence-bench-'));

const service = spawn(process.execPath, [join(root, 'apps/presence-api/dist/main.js')], {
  cwd: dir,
  env: { ...process.env, PORT: String(port), PRESENCE_SANDBOX: 'true', PRESENCE_RATE_LIMIT: '1000000', PRESENCE_LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
const rssMb = () => {
  const line = readFileSync(`/proc/${service.pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS'));
  return (Number(line.replace(/\D+/g, '')) / 1024).toFixed(0);
};

async function waitForHealth() {
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`${base}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('service did not start');
}

async function drive(name, makeRequest) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next++;
        const t = performance.now();
        const response = await makeRequest();
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2);
  console.log(`${name}: ${(latencies.length / seconds).toFixed(0)} req/s, p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, p99 ${p(0.99)} ms (${latencies.length} requests, concurrency ${concurrency})`);
}

try {
  await waitForHealth();
  const key = readFileSync(join(dir, 'data', 'admin-token'), 'utf8').trim();
  const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
  // Sandbox people are linked just after the service starts listening, and each platform's first reading
  // follows: wait for both, so the figures are for a warm service.
  let people = [];
  for (let i = 0; i < 100 && people.length < 6; i++) {
    people = (await (await fetch(`${base}/v1/users?limit=100`, { headers })).json()).users.map((u) => u.userId);
    if (people.length < 6) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const ids = Array.from({ length: 100 }, (_, i) => people[i % people.length] + (i < people.length ? '' : `-${i}`));
  console.log(`service RSS after start: ${rssMb()} MB (sandbox, ${people.length} people)`);
  await drive('POST /v1/availability (100 ids)', () => fetch(`${base}/v1/availability?details=true`, { method: 'POST', headers, body: JSON.stringify({ userIds: ids }) }));
  await drive('GET /v1/presence/{id}', () => fetch(`${base}/v1/presence/${people[0]}`, { headers }));
  const stats = await (await fetch(`${base}/v1/stats`, { headers })).json();
  console.log(`cache hit rate: ${(stats.cache?.hitRate * 100).toFixed(1)}%; service RSS after load: ${rssMb()} MB`);
} finally {
  service.kill('SIGTERM');
  await new Promise((resolve) => service.on('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}
