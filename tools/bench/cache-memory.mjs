// Memory held by the presence cache and the identity directory for N people x 6 platforms (default 100,000 x 6):
// the V8 heap plus the typed arrays' backing stores (the table's numeric columns live outside the heap).
// The directory and the table share one person index, so linking already sizes the table's columns; the
// directory alone is measured in the same run on its own index, and the cache is the rest.
// Run: npx nx run core:build && node --expose-gc tools/bench/cache-memory.mjs [people]
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { InMemoryIdentityDirectory, PresenceAggregator, PLATFORMS } = require('../../libs/core/dist/index.js');

const people = Number(process.argv[2] ?? 100_000);
const held = () => {
  global.gc();
  global.gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};
const link = (directory) => {
  for (const platform of PLATFORMS) {
    for (let i = 0; i < people; i++) directory.link(`person-${i}`, platform, `${platform}-${i}`);
  }
};

// The directory alone, on its own person index (no table).
let start = held();
let alone = new InMemoryIdentityDirectory();
link(alone);
const directoryBytes = held() - start;
alone = undefined;

start = held();
const aggregator = new PresenceAggregator();
link(aggregator.directory);
const linked = held();
const statuses = ['online', 'idle', 'busy', 'away', 'offline'];
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
const after = held();

const ids = Array.from({ length: 1000 }, (_, i) => `person-${i * 7}`);
const readStart = performance.now();
for (let round = 0; round < 100; round++) aggregator.areUsersAvailable(ids);
const readMs = (performance.now() - readStart) / 100;

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
console.log(`people=${people} platforms=${PLATFORMS.length} entries=${people * PLATFORMS.length}`);
console.log(`presence cache (table columns and readings): ${mb(after - start - directoryBytes)} MB (target < 150 MB), of which ${mb(after - linked)} MB added by the readings`);
console.log(`identity directory: ${mb(directoryBytes)} MB; both: ${mb(after - start)} MB (heap and typed arrays)`);
if (aggregator.getPresenceStatistics().peopleTracked !== people) throw new Error('lost people');
console.log(`ingest of all records: ${ingestMs.toFixed(0)} ms; availability of 1,000 people: ${readMs.toFixed(2)} ms`);
