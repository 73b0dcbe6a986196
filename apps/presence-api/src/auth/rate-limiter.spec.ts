import { KeyRateLimiter } from './rate-limiter';

describe('KeyRateLimiter', () => {
  it('allows a burst up to the limit, then asks the caller to wait, then refills with time', () => {
    let now = 0;
    const limiter = new KeyRateLimiter(3, { now: () => now });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(20);
    expect(limiter.take('b')).toBe(0);
    now += 20_000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
    limiter.forget('a');
    expect(limiter.take('a')).toBe(0);
  });
});
