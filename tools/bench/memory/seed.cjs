// Seeds a fresh SQLite store for bench:memory with N people x 6 platforms: identity links through
// IdentityRepository.replaceMany and one snapshot row per link, 1,000 people per transaction.
require('../http/ts-register.cjs');
const { openStore } = require('@amo/presence-store');

const STATUSES = ['online', 'idle', 'busy', 'away', 'offline'];
const PLATFORMS = ['discord', 'slack', 'teams', 'zoom', 'whatsapp', 'linkedin'];

async function main() {
  const [path, people] = [process.argv[2], Number(process.argv[3])];
  const store = await openStore({ database: { type: 'sqlite', path } });
  const now = Date.now();
  for (let first = 0; first < people; first += 1000) {
    const batch = [];
    const entries = [];
    for (let index = first; index < Math.min(people, first + 1000); index++) {
      const userId = `person-${index}`;
      const identities = Object.fromEntries(PLATFORMS.map((platform) => [platform, `${platform}-${index}`]));
      batch.push({ userId, identities });
      for (const [slot, platform] of PLATFORMS.entries()) {
        const status = STATUSES[(index + slot) % STATUSES.length];
        entries.push({ userId, confirmedAt: now - 1000, record: { userId, platform, status, lastUpdated: new Date(now - 5000), lastSeen: new Date(now - 5000) } });
      }
    }
    await store.identities.replaceMany(batch);
    await store.snapshots.saveBatch(entries);
  }
  await store.close();
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`seed: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
