import { RedisLink } from './redis-link';
import { ThrowawayRedis, eventually, testPrefix } from './redis-link.spec-helper';

const TEST_REDIS_URL = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What keeps the process alive right now, by kind (timers, sockets). */
function liveResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

describe('RedisLink', () => {
  it('prefixes keys and reports itself up once connected', async () => {
    const link = new RedisLink({ url: TEST_REDIS_URL, keyPrefix: testPrefix('link') });
    try {
      await link.ready();
      expect(link.status().up).toBe(true);
      const key = link.key('a', 'b');
      expect(key).toBe(`${link.prefix}a:b`);
      await link.commands.set(key, '1', 'PX', 1000);
      expect(await link.commands.get(key)).toBe('1');
      await link.commands.del(key);
    } finally {
      await link.close();
    }
  });

  it('reports itself down, with the reason, when the server cannot be reached', async () => {
    const link = new RedisLink({ url: 'redis://127.0.0.1:1', keyPrefix: 'test:down:', commandTimeoutMs: 200 });
    try {
      await expect(link.ready()).rejects.toThrow();
      expect(link.status().up).toBe(false);
      expect(link.status().reason).toMatch(/ECONNREFUSED|closed|connect/);
    } finally {
      await link.close();
    }
  });

  it('leaves nothing that keeps the process alive once closed while its server is down', async () => {
    const before = liveResources();
    const link = new RedisLink({ url: 'redis://127.0.0.1:1', keyPrefix: 'test:down:', commandTimeoutMs: 200 });
    const subscriber = link.subscriber();
    await expect(link.ready()).rejects.toThrow();
    expect(subscriber.status).not.toBe('ready');
    await link.close();
    // ioredis armed a 2 s timer per dropped socket here, so jest reported "did not exit" after such a test. Nothing
    // may be left that was not there before (a timer of an earlier test may have ended meanwhile: fewer is fine).
    const after = liveResources();
    expect(Object.keys(after).filter((kind) => after[kind] > (before[kind] ?? 0))).toEqual([]);
    expect(link.status()).toMatchObject({ up: false, reason: 'closed' });
  });

  describe('when its server goes away', () => {
    let redis: ThrowawayRedis;
    beforeAll(async () => {
      redis = await ThrowawayRedis.start();
    });
    afterAll(async () => {
      await redis.stop();
    });

    it('fails commands at once while down, says since when and why, and is up again by itself when the server is back', async () => {
      const link = new RedisLink({ url: redis.url, keyPrefix: testPrefix('outage') });
      try {
        await link.ready();
        await link.commands.set(link.key('k'), 'v');
        await redis.stop();
        const down = await eventually(() => (link.status().up ? undefined : link.status()), 5_000, 'the link to report the outage');
        expect(down.downSince).toEqual(expect.any(Number));
        expect(down.reason).toEqual(expect.any(String));
        // Not queued until the command timeout: refused on the spot, so a caller can serve what it has.
        await expect(link.commands.get(link.key('k'))).rejects.toThrow(/enableOfflineQueue/);

        await redis.start();
        await eventually(() => link.status().up, 10_000, 'the link to reconnect');
        expect(link.status()).toEqual({ up: true });
        // The throwaway server keeps nothing: a fresh, empty Redis.
        expect(await link.commands.get(link.key('k'))).toBeNull();
      } finally {
        await link.close();
      }
    }, 20_000);
  });
});
