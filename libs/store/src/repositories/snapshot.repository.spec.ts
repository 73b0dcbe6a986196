import { MemoryPresenceCache, type PresenceData, PresenceAggregator } from '@amo/presence-core';
import { backends, type OpenedTestStore, openTestStore } from '../test-support/store.test-helpers';

const full: PresenceData = {
  userId: 'alice',
  platform: 'discord',
  status: 'busy',
  lastSeen: new Date(500),
  lastUpdated: new Date(1000),
  rawStatus: 'dnd',
  activity: 'In a call with the bank',
  customMessage: 'Do not disturb',
  devices: { desktop: 'busy', mobile: 'online' },
  expiresAt: new Date(9000),
  sequence: '00017',
};

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('SnapshotRepository on $name', (backend) => {
  let opened: OpenedTestStore;
  beforeAll(async () => {
    opened = await openTestStore(backend);
  });
  afterAll(async () => {
    await opened.close();
  });

  it('stores status and timestamps only by default', async () => {
    const { snapshots } = opened.store;
    expect(await snapshots.saveBatch([{ userId: 'alice', record: full, confirmedAt: 1200 }])).toBe(1);
    const [entry] = await snapshots.forPerson('alice');
    expect(entry).toEqual({
      userId: 'alice',
      confirmedAt: 1200,
      record: {
        userId: 'alice',
        platform: 'discord',
        status: 'busy',
        lastSeen: new Date(500),
        lastUpdated: new Date(1000),
        expiresAt: new Date(9000),
        sequence: '00017',
      },
    });
  });

  it('upserts a batch (last write per key wins) and restores with the real confirmedAt', async () => {
    const { snapshots } = opened.store;
    const record = (userId: string, platform: PresenceData['platform'], status: PresenceData['status']): PresenceData => ({
      userId,
      platform,
      status,
      lastUpdated: new Date(2000),
    });
    expect(await snapshots.saveBatch([])).toBe(0);
    await snapshots.saveBatch([
      { userId: 'bob', record: record('bob', 'slack', 'online'), confirmedAt: 2000 },
      { userId: 'bob', record: record('bob', 'slack', 'away'), confirmedAt: 2100 },
      { userId: 'bob', record: record('bob', 'teams', 'busy'), confirmedAt: 2000 },
      { userId: 'alice', record: record('alice', 'discord', 'online'), confirmedAt: 2000 },
    ]);
    expect(await snapshots.count()).toBe(3);
    const now = 2000 + 60_000;
    const aggregator = new PresenceAggregator({ cache: new MemoryPresenceCache(), clock: { now: () => now } });
    expect(await snapshots.restoreInto(aggregator)).toBe(3);
    expect(aggregator.getUserPresence('bob').slack?.status).toBe('away');
    expect(aggregator.getAggregatedPresence('alice')).toBe('online');
    const loaded = await snapshots.load();
    expect(loaded.find((e) => e.userId === 'bob' && e.record.platform === 'slack')?.confirmedAt).toBe(2100);
    expect(await snapshots.delete('bob', 'slack')).toBe(1);
    expect(await snapshots.delete('bob')).toBe(1);
    expect(await snapshots.count()).toBe(1);
  });

  it('writes thousands of rows in one batch', async () => {
    const { snapshots } = opened.store;
    const entries = Array.from({ length: 1500 }, (_, i) => ({
      userId: `bulk-${i}`,
      record: { userId: `bulk-${i}`, platform: 'zoom' as const, status: 'online' as const, lastUpdated: new Date(3000) },
      confirmedAt: 3000,
    }));
    expect(await snapshots.saveBatch(entries)).toBe(1500);
    expect(await snapshots.count()).toBe(1501);
    const sizes: number[] = [];
    const keys = new Set<string>();
    for await (const page of snapshots.pages(400)) {
      sizes.push(page.length);
      for (const entry of page) keys.add(`${entry.userId}/${entry.record.platform}`);
    }
    expect(sizes).toEqual([400, 400, 400, 301]);
    expect(keys.size).toBe(1501);
  });

  it('restores every stored field and the real confirmedAt through the page columns, pages splitting people anywhere', async () => {
    const detailed = await openTestStore(backend, { storeDetails: true });
    try {
      const platforms = ['discord', 'slack', 'teams', 'zoom', 'whatsapp', 'linkedin'] as const;
      const entries = ['p1', 'p2', 'p3'].flatMap((userId, person) =>
        platforms.map((platform, slot) => ({
          userId,
          record: { ...full, userId, platform, status: (['online', 'away', 'busy'] as const)[(person + slot) % 3], lastUpdated: new Date(1000 + slot) },
          confirmedAt: 5000 + person * 10 + slot,
        })),
      );
      await detailed.store.snapshots.saveBatch(entries);
      const cache = new MemoryPresenceCache();
      const aggregator = new PresenceAggregator({ cache, clock: { now: () => 6000 } });
      let restored = 0;
      // Pages of 4 records: people of 6 records each are split across pages.
      for await (const page of detailed.store.snapshots.recordPages(4)) restored += aggregator.restoreRecords(page);
      expect(restored).toBe(18);
      for (const entry of entries) {
        expect(cache.get(entry.userId, entry.record.platform)).toEqual({ record: entry.record, confirmedAt: entry.confirmedAt });
      }
      expect(await detailed.store.snapshots.restoreInto(new PresenceAggregator())).toBe(18);
      const sizes: number[] = [];
      for await (const page of detailed.store.snapshots.pages(4)) sizes.push(page.length);
      expect(sizes).toEqual([4, 4, 4, 4, 2]);
    } finally {
      await detailed.close();
    }
  });

  it('keeps details (clipped to column size) when told to', async () => {
    const detailed = await openTestStore(backend, { storeDetails: true });
    try {
      const long = { ...full, activity: 'a'.repeat(600) };
      await detailed.store.snapshots.saveBatch([{ userId: 'alice', record: long, confirmedAt: 1200 }]);
      const [entry] = await detailed.store.snapshots.forPerson('alice');
      expect(entry.record).toMatchObject({ rawStatus: 'dnd', customMessage: 'Do not disturb', devices: full.devices });
      expect(entry.record.activity).toHaveLength(512);
    } finally {
      await detailed.close();
    }
  });
});
