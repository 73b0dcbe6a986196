import { KeyRateLimiter, rateLimitHeaders } from './rate-limiter';

describe('KeyRateLimiter', () => {
  it('allows a burst up to the limit, then asks the caller to wait, then refills with time', () => {
    let now = 0;
    const limiter = new KeyRateLimiter(3, { now: () => now });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')].map((s) => s.retryAfterSeconds)).toEqual([0, 0, 0]);
    expect(limiter.take('a').retryAfterSeconds).toBe(20);
    expect(limiter.take('b').retryAfterSeconds).toBe(0);
    now += 20_000;
    expect(limiter.take('a').retryAfterSeconds).toBe(0);
    expect(limiter.take('a').retryAfterSeconds).toBeGreaterThan(0);
    limiter.forget('a');
    expect(limiter.take('a').retryAfterSeconds).toBe(0);
  });

  it('reports limit, remaining and the seconds until the bucket is full again', () => {
    let now = 0;
    const limiter = new KeyRateLimiter(600, { now: () => now });
    expect(limiter.take('k')).toEqual({ limit: 600, remaining: 599, resetSeconds: 1, retryAfterSeconds: 0 });
    for (let i = 0; i < 299; i++) limiter.take('k');
    expect(limiter.take('k')).toEqual({ limit: 600, remaining: 299, resetSeconds: 31, retryAfterSeconds: 0 });
    now += 30_100;
    expect(limiter.take('k')).toMatchObject({ remaining: 599, resetSeconds: 1 });
    expect(rateLimitHeaders(limiter.take('k'))).toEqual({ 'RateLimit-Limit': '600', 'RateLimit-Remaining': '598', 'RateLimit-Reset': '1', 'RateLimit-Policy': '600;w=60' });
  });

  it('waitSeconds looks without taking, and is 0 for a key never seen', () => {
    const limiter = new KeyRateLimiter(2, { now: () => 0 });
    expect(limiter.waitSeconds('x')).toBe(0);
    limiter.take('x');
    limiter.take('x');
    expect(limiter.waitSeconds('x')).toBe(30);
    expect(limiter.waitSeconds('x')).toBe(30);
  });

  it('holds at most maxKeys buckets, dropping full ones first', () => {
    let now = 0;
    const limiter = new KeyRateLimiter(60, { now: () => now }, 3);
    limiter.take('a');
    for (let i = 0; i < 60; i++) limiter.take('busy');
    limiter.take('c');
    now += 5_000;
    limiter.take('d');
    // a and c were full again and went to make room; busy kept its state (5 tokens back in 5 s).
    expect(limiter.take('busy').remaining).toBe(4);
  });
});
