import { contextRetryPolicy, httpClientTuning } from './client-tuning';
import { RateBudgetRegistry } from './rate-budget';

describe('httpClientTuning', () => {
  it('takes the retry policy from the config and the injected edges from the deps, and nothing else', () => {
    const clock = { now: () => 0 };
    const fetchFn: typeof fetch = () => Promise.reject(new Error('unused'));
    const budgets = new RateBudgetRegistry();
    const random = (): number => 0.5;
    const config = { botToken: 'secret', baseUrl: 'https://example.test', timeoutMs: 250, maxRetries: 1, backoff: { baseMs: 5 }, breaker: { cooldownMs: 150 } };
    const deps = { clock, fetch: fetchFn, budgets, random, transport: 'ws' };
    expect(httpClientTuning(config, deps)).toEqual({
      timeoutMs: 250,
      maxRetries: 1,
      maxRetryWaitMs: undefined,
      backoff: { baseMs: 5 },
      breaker: { cooldownMs: 150 },
      clock,
      fetch: fetchFn,
      budgets,
      random,
    });
  });
});

describe('contextRetryPolicy', () => {
  it("passes the service's retries, timeout and breaker cool-down to an adapter's config", () => {
    expect(contextRetryPolicy({ maxRetries: 2, http: { timeoutMs: 300, breakerCooldownMs: 500 } })).toEqual({ maxRetries: 2, timeoutMs: 300, breaker: { cooldownMs: 500 } });
  });

  it("leaves the kit's defaults in place when the service sets no HTTP tuning", () => {
    expect(contextRetryPolicy({ maxRetries: 3 })).toEqual({ maxRetries: 3, timeoutMs: undefined, breaker: undefined });
  });
});
