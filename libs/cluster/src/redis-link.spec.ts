import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { RedisLink } from './redis-link';
import { ThrowawayRedis, eventually, testPrefix } from './redis-link.spec-helper';

const TEST_REDIS_URL = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

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
    // In a process of its own: this one holds whatever earlier spec files left running, which comes and goes.
    // The child links to a port nobody serves, closes the link, says so, and must then exit by itself at once.
    const script = `
      const { RedisLink } = require(${JSON.stringify(join(__dirname, 'redis-link.ts'))});
      const link = new RedisLink({ url: 'redis://127.0.0.1:1', keyPrefix: 'test:down:', commandTimeoutMs: 200 });
      const subscriber = link.subscriber();
      link.ready().then(() => process.exit(3), async () => {
        if (subscriber.status === 'ready') process.exit(4);
        await link.close();
        if (link.status().reason !== 'closed') process.exit(5);
        process.stdout.write('closed\\n');
      });`;
    const child = spawn(process.execPath, ['-r', join(__dirname, '../../../apps/presence-api/test/ts-register.cjs'), '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let closedAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      if (String(chunk).includes('closed')) closedAt = performance.now();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(closedAt).toBeGreaterThan(0);
    // ioredis armed a 2 s timer per dropped socket here, and the process lived on until it fired.
    expect(performance.now() - closedAt).toBeLessThan(1_000);
  }, 60_000);

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
