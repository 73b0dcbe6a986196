import { fullJitterDelayMs } from './backoff';

describe('fullJitterDelayMs', () => {
  it('draws below a ceiling that doubles per attempt up to the maximum', () => {
    const nearlyOne = () => 0.999_999;
    expect([0, 1, 2, 3].map((attempt) => fullJitterDelayMs(attempt, { baseMs: 100, maxMs: 500 }, nearlyOne))).toEqual([99, 199, 399, 499]);
    expect(fullJitterDelayMs(5, { baseMs: 100, maxMs: 500 }, () => 0)).toBe(0);
  });

  it('defaults to 500 ms first and 30 s at most', () => {
    expect(fullJitterDelayMs(0, {}, () => 0.5)).toBe(250);
    expect(fullJitterDelayMs(20, {}, () => 0.5)).toBe(15_000);
  });
});
