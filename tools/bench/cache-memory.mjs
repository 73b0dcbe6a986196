// Heap used by the presence cache and aggregator for N people x 6 platforms (default 100,000 x 6).
// Run: npx nx run core:build && node --expose-gc tools/bench/cache-memory.mjs [people]
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { PresenceAggregator, PLATFORMS } = require('../../libs/core/dist/index.js');

const people = Number(process.argv[2] ?? 100_000);
const heap = () => {
  global.gc();
  return process.memoryUsage().heapUsed;
};

const start = heap();
const aggregator = new PresenceAggregator();
const statuses = ['online', 'idle', 'busy', 'away', 'offline'];
for (const platform of PLATFORMS) {
  for (let i = 0; i < people; i++) aggregator.directory.link(`person-${i}`, platform, `${platform}-${i}`);
}
const before = heap();
const started = performance.now();
for (const platform of PLATFORMS) {
  const records = [];
  const observedAt = new Date();
  for (let i = 0; i < people; i++) {
    records.push({
      platform,
      accountId: `${platform}-${i}`,
      status: statuses[i % statuses.length],
      rawStatus: statuses[i % statuses.length],
      // One Date per record, as a real poll delivers.
      observedAt: new Date(observedAt.getTime() + i),
    });
  }
  aggregator.ingest(platform, records);
}
const ingestMs = performance.now() - started;
const after = heap();

const ids = Array.from({ length: 1000 }, (_, i) => `person-${i * 7}`);
const readStart = performance.now();
for (let round = 0; round < 100; round++) aggregator.areUsersAvailable(ids);
const readMs = (performance.now() - readStart) / 100;

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
console.log(`people=${people} platforms=${PLATFORMS.length} entries=${people * PLATFORMS.length}`);
console.log(`heap used by the presence cache: ${mb(after - before)} MB (target < 150 MB)`);
console.log(`heap used by the identity directory: ${mb(before - start)} MB`);
if (aggregator.getPresenceStatistics().peopleTracked !== people) throw new Error('lost people');
console.log(`ingest of all records: ${ingestMs.toFixed(0)} ms; availability of 1,000 people: ${readMs.toFixed(2)} ms`);
