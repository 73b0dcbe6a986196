import { httpClientTuning } from './client-tuning';
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
