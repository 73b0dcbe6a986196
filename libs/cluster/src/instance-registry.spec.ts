import { InstanceRegistry, type InstanceReport } from './instance-registry';
import { RedisLink } from './redis-link';
import { ThrowawayRedis, eventually, keysUnder, openTestLink, disposeLink } from './redis-link.spec-helper';

const url = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('InstanceRegistry', () => {
  let link: RedisLink;
  beforeEach(async () => {
    link = await openTestLink(url, 'instances');
  });
  afterEach(async () => {
    jest.useRealTimers();
    await disposeLink(link);
  });

  const report = (id: string, role = 'all'): (() => InstanceReport) => () => ({ id, role, startedAt: 1_000, platforms: { slack: { state: 'up' } } });

  it('lists every instance that heartbeats, with what it reported, and drops one at once when it stops cleanly', async () => {
    const other = new RedisLink({ url, keyPrefix: link.prefix });
    const a = new InstanceRegistry({ link, report: report('a', 'api'), clock: { now: () => 5_000 } });
    const b = new InstanceRegistry({ link: other, report: report('b', 'worker'), clock: { now: () => 6_000 } });
    try {
      await a.start();
      await b.start();
      expect(await a.list()).toEqual([
        { id: 'a', role: 'api', startedAt: 1_000, platforms: { slack: { state: 'up' } }, heartbeatAt: 5_000 },
        { id: 'b', role: 'worker', startedAt: 1_000, platforms: { slack: { state: 'up' } }, heartbeatAt: 6_000 },
      ]);
      await b.stop();
      expect((await a.list()).map((instance) => instance.id)).toEqual(['a']);
      await a.stop();
      expect(await keysUnder(link)).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('leaves out an instance whose heartbeats stopped without a goodbye (killed) once its TTL passes, and forgets its id', async () => {
    const killed = new InstanceRegistry({ link, report: report('killed'), ttlMs: 50 });
    const alive = new InstanceRegistry({ link, report: report('alive'), ttlMs: 60_000 });
    await killed.beat();
    await alive.beat();
    expect((await alive.list()).map((instance) => instance.id)).toEqual(['alive', 'killed']);
    await eventually(async () => (await alive.list()).length === 1, 2_000, 'the killed instance to drop out');
    expect(await keysUnder(link)).toEqual(['instance:alive', 'instances']);
    expect(await link.commands.smembers(link.key('instances'))).toEqual(['alive']);
  });

  it('heartbeats every intervalMs while started, and at once when asked (refresh), each with a fresh report and TTL', async () => {
    jest.useFakeTimers({ now: 10_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    let platforms: Record<string, unknown> = { slack: { state: 'up' } };
    const registry = new InstanceRegistry({ link, report: () => ({ id: 'i', role: 'all', startedAt: 0, platforms }), ttlMs: 30_000 });
    await registry.start();
    expect(await registry.list()).toMatchObject([{ heartbeatAt: 10_000, platforms: { slack: { state: 'up' } } }]);
    platforms = { slack: { state: 'down' } };
    jest.advanceTimersByTime(9_999);
    expect(await registry.list()).toMatchObject([{ heartbeatAt: 10_000 }]);
    jest.advanceTimersByTime(1);
    await eventually(async () => (await registry.list())[0]?.heartbeatAt === 20_000, 2_000, 'the second heartbeat');
    expect(await registry.list()).toMatchObject([{ platforms: { slack: { state: 'down' } } }]);
    platforms = { slack: { state: 'up' } };
    jest.setSystemTime(21_000);
    await registry.refresh();
    expect(await registry.list()).toMatchObject([{ heartbeatAt: 21_000, platforms: { slack: { state: 'up' } } }]);
    await registry.stop();
    jest.advanceTimersByTime(60_000);
    expect(await registry.list()).toEqual([]);
  });

  it('keeps heartbeating through a Redis outage and is listed again once Redis is back (even a Redis that lost everything)', async () => {
    // Only the heartbeat interval is faked: ioredis' reconnect timers run in real time.
    jest.useFakeTimers({ doNotFake: ['Date', 'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout'] });
    const redis = await ThrowawayRedis.start();
    const own = new RedisLink({ url: redis.url, keyPrefix: link.prefix });
    const registry = new InstanceRegistry({ link: own, report: report('survivor'), ttlMs: 60_000, intervalMs: 1_000 });
    try {
      await registry.start();
      expect(await registry.list()).toHaveLength(1);
      await redis.stop();
      await eventually(() => !own.status().up, 5_000, 'the outage to be seen');
      // Heartbeats during the outage fail quietly: nothing thrown, no unhandled rejection.
      jest.advanceTimersByTime(1_000);
      await redis.start();
      await eventually(() => own.status().up, 10_000, 'the link to come back');
      expect(await registry.list()).toEqual([]);
      jest.advanceTimersByTime(1_000);
      await eventually(async () => (await registry.list()).length === 1, 2_000, 'the next heartbeat to list it again');
      await registry.stop();
    } finally {
      await own.close();
      await redis.stop();
    }
  }, 20_000);
});
