import type { RedisLink } from './redis-link';
import { SharedRateLimiter } from './shared-rate-limiter';
import { keysUnder, openTestLink, disposeLink } from './redis-link.spec-helper';

const url = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A clock the test moves. */
class TestClock {
  constructor(public ms = Date.UTC(2026, 0, 5, 9)) {}
  now(): number {
    return this.ms;
  }
}

describe('SharedRateLimiter', () => {
  let link: RedisLink;
  let clock: TestClock;
  beforeEach(async () => {
    link = await openTestLink(url, 'rate');
    clock = new TestClock();
  });
  afterEach(async () => {
    await disposeLink(link);
  });

  const limiter = (perMinute: number, name = 'api-key'): SharedRateLimiter => new SharedRateLimiter({ link, name, perMinute, clock });

  it('counts a token bucket per key: a burst of the whole budget, then one more per 60/perMinute seconds', async () => {
    const bucket = limiter(6);
    expect(await bucket.take('k1')).toEqual({ limit: 6, remaining: 5, resetSeconds: 10, retryAfterSeconds: 0 });
    for (let i = 0; i < 5; i++) await bucket.take('k1');
    expect(await bucket.take('k1')).toEqual({ limit: 6, remaining: 0, resetSeconds: 60, retryAfterSeconds: 10 });
    // Another key has its own budget.
    expect((await bucket.take('k2')).remaining).toBe(5);

    clock.ms += 9_999;
    expect((await bucket.take('k1')).retryAfterSeconds).toBe(1);
    clock.ms += 1;
    expect(await bucket.take('k1')).toEqual({ limit: 6, remaining: 0, resetSeconds: 60, retryAfterSeconds: 0 });
    clock.ms += 25_000;
    expect(await bucket.take('k1')).toEqual({ limit: 6, remaining: 1, resetSeconds: 45, retryAfterSeconds: 0 });
  });

  it('is one budget for every instance: two limiters on one Redis share a key', async () => {
    const a = limiter(5);
    const b = limiter(5);
    for (let i = 0; i < 3; i++) expect((await a.take('key')).retryAfterSeconds).toBe(0);
    expect(await b.take('key')).toMatchObject({ remaining: 1, retryAfterSeconds: 0 });
    expect(await b.take('key')).toMatchObject({ remaining: 0, retryAfterSeconds: 0 });
    expect((await a.take('key')).retryAfterSeconds).toBe(12);
    expect((await b.take('key')).retryAfterSeconds).toBe(12);
  });

  it('never hands out more than the budget to concurrent takes from several instances', async () => {
    const instances = [limiter(20), limiter(20), limiter(20)];
    const states = await Promise.all(Array.from({ length: 60 }, (_, i) => instances[i % 3].take('hot')));
    expect(states.filter((state) => state.retryAfterSeconds === 0)).toHaveLength(20);
  });

  it('tells how long to wait without taking, and without creating a bucket for a key it never saw', async () => {
    const bucket = limiter(2, 'auth-failure');
    expect(await bucket.waitSeconds('10.0.0.1')).toBe(0);
    expect(await keysUnder(link)).toEqual([]);
    await bucket.take('10.0.0.1');
    expect(await bucket.waitSeconds('10.0.0.1')).toBe(0);
    await bucket.take('10.0.0.1');
    expect(await bucket.waitSeconds('10.0.0.1')).toBe(30);
    expect(await bucket.waitSeconds('10.0.0.1')).toBe(30);
    expect(await keysUnder(link)).toEqual(['rate:auth-failure:10.0.0.1']);
  });

  it('forgets a key: its next take starts from a full bucket', async () => {
    const bucket = limiter(2);
    await bucket.take('revoked');
    await bucket.take('revoked');
    await bucket.forget('revoked');
    expect(await keysUnder(link)).toEqual([]);
    expect((await bucket.take('revoked')).remaining).toBe(1);
  });

  it('lets Redis drop a bucket no sooner than it would be full again (a missing bucket reads as full)', async () => {
    const bucket = limiter(60);
    for (let i = 0; i < 60; i++) await bucket.take('k');
    // Empty: 60 s to fill up, so it lives at least that long.
    expect(await link.commands.pttl(link.key('rate', 'api-key', 'k'))).toBeGreaterThan(59_000);
    clock.ms += 60_000;
    expect(await bucket.take('k')).toEqual({ limit: 60, remaining: 59, resetSeconds: 1, retryAfterSeconds: 0 });
  });
});
