import { RedisLink } from './redis-link';

const url = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('RedisLink', () => {
  it('prefixes keys and reports itself up once connected', async () => {
    const link = new RedisLink({ url, keyPrefix: `test:${process.pid}:link:` });
    try {
      await link.ready();
      expect(link.status().up).toBe(true);
      const key = link.key('a', 'b');
      expect(key).toBe(`test:${process.pid}:link:a:b`);
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
});
