import { MemoryPresenceCache, PresenceAggregator, type PresenceData } from '@amo/presence-core';
import { randomBytes } from 'node:crypto';
import { RedisPresenceCache, type PresenceWrite, type StoredPerson } from './redis-presence-cache';
import { RedisLink } from './redis-link';
import { ThrowawayRedis } from './redis-link.spec-helper';

const url = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const record = (userId: string, status: PresenceData['status'], at = 1_700_000_000_000, platform: PresenceData['platform'] = 'slack'): PresenceData => ({
  userId,
  platform,
  status,
  lastUpdated: new Date(at),
  rawStatus: status === 'online' ? 'active' : 'away',
});

async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('RedisPresenceCache', () => {
  let link: RedisLink;
  beforeEach(async () => {
    link = new RedisLink({ url, keyPrefix: `test:cache:${randomBytes(6).toString('hex')}:` });
    await link.ready();
  });
  afterEach(async () => {
    const keys = await link.commands.keys(`${link.prefix}*`);
    if (keys.length > 0) await link.commands.del(...keys);
    await link.close();
  });

  it('writes records and the aggregate to one hash per person, batched on the next turn, and reads them back', async () => {
    const flushed: PresenceWrite[][] = [];
    const cache = new RedisPresenceCache({ link, local: new MemoryPresenceCache(), onFlush: (writes) => flushed.push([...writes]) });
    cache.set('alice', 'slack', { record: record('alice', 'online'), confirmedAt: 1_700_000_000_100 });
    cache.set('alice', 'slack', { record: record('alice', 'away', 1_700_000_001_000), confirmedAt: 1_700_000_001_100 });
    cache.set('alice', 'zoom', { record: record('alice', 'online', 1_700_000_000_000, 'zoom'), confirmedAt: 1 });
    cache.setAggregate('alice', { status: 'online', available: true, decidedBy: 'zoom', policy: 'highest-priority', at: 5 });
    cache.set('bob', 'slack', { record: record('bob', 'online'), confirmedAt: 2 });
    // Nothing is sent in the calling turn: ingest never waits for Redis.
    expect(await link.commands.exists(link.key('p', 'alice'))).toBe(0);
    await eventually(() => cache.stats().flushes === 1, 'one flush');
    expect(flushed).toHaveLength(1);
    // Redis keeps the newest per person and platform; the flush hands on every record, in order.
    expect(flushed[0].map((write) => `${write.userId}/${write.platform}/${write.entry.record.status}`)).toEqual([
      'alice/slack/online',
      'alice/slack/away',
      'alice/zoom/online',
      'bob/slack/online',
    ]);
    const alice = await cache.read('alice');
    expect(alice).toEqual({
      userId: 'alice',
      entries: expect.arrayContaining([
        { record: record('alice', 'away', 1_700_000_001_000), confirmedAt: 1_700_000_001_100 },
        { record: record('alice', 'online', 1_700_000_000_000, 'zoom'), confirmedAt: 1 },
      ]),
      aggregate: { status: 'online', available: true, decidedBy: 'zoom', policy: 'highest-priority', at: 5 },
    });
    expect(alice?.entries).toHaveLength(2);
    expect((await link.commands.smembers(link.key('people'))).sort()).toEqual(['alice', 'bob']);
    expect(cache.stats()).toMatchObject({ written: 4, flushes: 1, pending: 0 });
  });

  it('deletes one platform in the next flush, and a whole person at once (erase resolves when Redis has done it)', async () => {
    const cache = new RedisPresenceCache({ link, local: new MemoryPresenceCache() });
    cache.set('alice', 'slack', { record: record('alice', 'online'), confirmedAt: 1 });
    cache.set('alice', 'zoom', { record: record('alice', 'online', 1, 'zoom'), confirmedAt: 1 });
    await cache.flush();
    cache.delete('alice', 'zoom');
    await cache.flush();
    expect((await cache.read('alice'))?.entries.map((entry) => entry.record.platform)).toEqual(['slack']);
    // Queued writes for an erased person are dropped, not sent after the erase.
    cache.set('alice', 'discord', { record: record('alice', 'busy', 1, 'discord'), confirmedAt: 1 });
    await cache.erase('alice');
    await cache.flush();
    expect(await cache.read('alice')).toBeUndefined();
    expect(await link.commands.keys(`${link.prefix}*`)).toEqual([]);
    // The port's delete without a platform is the same erase, sent at once.
    cache.set('bob', 'slack', { record: record('bob', 'online'), confirmedAt: 1 });
    await cache.flush();
    cache.delete('bob');
    await eventually(async () => (await link.commands.keys(`${link.prefix}*`)).length === 0, 'bob gone');
  });

  it('writes nothing for changes applied inside withoutWriting (they came from Redis) or whileNotWriting (a start-up restore)', async () => {
    const cache = new RedisPresenceCache({ link, local: new MemoryPresenceCache() });
    cache.withoutWriting(() => {
      cache.set('alice', 'slack', { record: record('alice', 'online'), confirmedAt: 1 });
      cache.setAggregate('alice', { status: 'online', available: true, decidedBy: 'slack', policy: 'highest-priority', at: 1 });
      cache.delete('alice');
    });
    await cache.whileNotWriting(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      cache.set('bob', 'slack', { record: record('bob', 'online'), confirmedAt: 1 });
    });
    await cache.flush();
    expect(cache.stats()).toMatchObject({ pending: 0, flushes: 0 });
    expect(await link.commands.keys(`${link.prefix}*`)).toEqual([]);
  });

  it('loads everyone a page at a time and skips values that do not decode', async () => {
    const cache = new RedisPresenceCache({ link, local: new MemoryPresenceCache() });
    for (let i = 0; i < 1200; i++) cache.set(`person-${i}`, 'slack', { record: record(`person-${i}`, i % 2 ? 'online' : 'away'), confirmedAt: i });
    await cache.flush();
    await link.commands.hset(link.key('p', 'person-7'), 'zoom', '{"c":1,"r":{"platform":"zoom","status":"sleepy","lastUpdated":1}}');
    await link.commands.hset(link.key('p', 'person-8'), 'teams', 'not json');
    const seen: StoredPerson[] = [];
    const totals = await cache.load((person) => seen.push(person), 100);
    expect(totals).toEqual({ people: 1200, records: 1200, skipped: 2 });
    expect(new Set(seen.map((person) => person.userId)).size).toBe(1200);
    const p7 = seen.find((person) => person.userId === 'person-7');
    expect(p7?.entries).toEqual([{ record: record('person-7', 'online'), confirmedAt: 7 }]);
  });

  it('keeps writes that failed while Redis was down and sends them, newest first, when it is back', async () => {
    const redis = await ThrowawayRedis.start();
    const errors: string[] = [];
    const own = new RedisLink({ url: redis.url, keyPrefix: link.prefix, commandTimeoutMs: 300 });
    const cache = new RedisPresenceCache({ link: own, local: new MemoryPresenceCache(), onError: (error) => errors.push(error.message), retryMs: 100 });
    try {
      await own.ready();
      cache.set('alice', 'slack', { record: record('alice', 'online'), confirmedAt: 1 });
      await cache.flush();
      await redis.stop();
      cache.set('alice', 'slack', { record: record('alice', 'away', 2), confirmedAt: 2 });
      await eventually(() => cache.stats().failedFlushes >= 1 && cache.stats().pending === 1, 'kept after the failure');
      cache.set('alice', 'slack', { record: record('alice', 'busy', 3), confirmedAt: 3 });
      cache.set('bob', 'slack', { record: record('bob', 'online'), confirmedAt: 3 });
      expect(errors.length).toBeGreaterThanOrEqual(1);
      // Back (empty: it keeps nothing on disk): the retry writes what is newest for each person.
      await redis.start();
      await eventually(async () => (await cache.read('alice').catch(() => undefined))?.entries[0]?.record.status === 'busy', 'written after the outage', 10_000);
      expect((await cache.read('bob'))?.entries[0]?.record.status).toBe('online');
      expect(cache.stats().pending).toBe(0);
    } finally {
      await own.close();
      await redis.stop();
    }
  });

  it('is core\'s write-through mirror: ingest writes every accepted reading and forget erases, while reads stay local', async () => {
    const local = new MemoryPresenceCache();
    const mirror = new RedisPresenceCache({ link, local });
    const aggregator = new PresenceAggregator({ cache: local, mirror, consentDefault: true });
    aggregator.directory.link('alice', 'slack', 'U1');
    const now = Date.now();
    aggregator.ingest('slack', [{ platform: 'slack', accountId: 'U1', status: 'online', observedAt: new Date(now) }]);
    expect(aggregator.getAggregatedPresence('alice')).toBe('online');
    expect(mirror.get('alice', 'slack')?.record.status).toBe('online');
    await eventually(async () => (await mirror.read('alice'))?.entries[0]?.record.status === 'online', 'written through');
    // A confirmation (no change) is written too: its time is what keeps the record fresh elsewhere.
    const before = (await mirror.read('alice'))?.entries[0]?.confirmedAt ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 5));
    aggregator.ingest('slack', [{ platform: 'slack', accountId: 'U1', status: 'online', observedAt: new Date(now + 1) }]);
    await eventually(async () => ((await mirror.read('alice'))?.entries[0]?.confirmedAt ?? 0) > before, 'confirmation written');
    aggregator.forget('alice');
    await eventually(async () => (await mirror.read('alice')) === undefined, 'erased');
    await aggregator.close();
  });
});
