import { PresenceError } from '@amo/presence-core';
import { json, scriptedFetch, type Scripted } from '../__fixtures__/scripted-fetch';
import type { TokenProvider } from '../oauth/token-provider';
import { CircuitOpenError } from './circuit-breaker';
import { baseHttpError } from './http-outcome';
import { isNoBudgetNow, NoBudgetNowError, PlatformHttpClient, type PlatformHttpClientOptions } from './platform-http-client';
import { RateBudgetRegistry } from './rate-budget';

function client(script: Scripted[], options: Partial<PlatformHttpClientOptions> = {}) {
  const scripted = scriptedFetch(script);
  const http = new PlatformHttpClient({
    platform: 'zoom',
    baseUrl: 'https://api.example.test/v2',
    parseError: (outcome) => baseHttpError('zoom', outcome),
    fetch: scripted.fetch,
    random: () => 0.5,
    backoff: { baseMs: 100, maxMs: 1_000 },
    ...options,
  });
  return { http, calls: scripted.calls };
}

/** Runs a request to completion under fake timers and returns the result or the thrown error. */
async function settle<T>(promise: Promise<T>, advanceMs = 120_000): Promise<T | PresenceError> {
  const caught = promise.catch((error: PresenceError) => error);
  await jest.advanceTimersByTimeAsync(advanceMs);
  return caught;
}

beforeEach(() => jest.useFakeTimers({ now: 0 }));
afterEach(() => jest.useRealTimers());

describe('PlatformHttpClient retries', () => {
  it('retries TRANSIENT with full jitter: random() * min(max, base * 2^attempt)', async () => {
    const { http, calls } = client([json(500, {}), json(502, {}), json(503, {}), json(200, { ok: 1 })]);
    const result = await settle(http.request({ path: '/users/me' }));
    expect(result).toMatchObject({ status: 200, body: { ok: 1 } });
    // waits 0.5*100, 0.5*200, 0.5*400
    expect(calls.map((c) => c.at)).toEqual([0, 50, 150, 350]);
    expect(http.health().retries).toBe(3);
  });

  it('caps the backoff ceiling at maxMs', async () => {
    const { http, calls } = client([json(500, {}), json(500, {}), json(500, {}), json(200, {})], {
      random: () => 0.99,
      backoff: { baseMs: 1_000, maxMs: 1_500 },
    });
    await settle(http.request({ path: '/x' }));
    expect(calls.map((c) => c.at)).toEqual([0, 990, 990 + 1485, 990 + 1485 + 1485]);
  });

  it('gives up after maxRetries with the last error', async () => {
    const { http, calls } = client([json(500, {}), json(500, {}), json(503, {})], { maxRetries: 2 });
    const error = await settle(http.request({ path: '/x' }));
    expect(error).toBeInstanceOf(PresenceError);
    expect(error).toMatchObject({ code: 'TRANSIENT', status: 503 });
    expect(calls).toHaveLength(3);
    expect(http.health().lastError).toMatchObject({ code: 'TRANSIENT' });
  });

  it.each([
    [401, 'AUTH_INVALID'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [400, 'PROTOCOL'],
  ])('never retries %i (%s)', async (status, code) => {
    const { http, calls } = client([json(status, {})]);
    await expect(settle(http.request({ path: '/x' }))).resolves.toMatchObject({ code });
    expect(calls).toHaveLength(1);
  });

  it('does not retry when retry: false', async () => {
    const { http, calls } = client([json(500, {})]);
    await expect(settle(http.request({ path: '/x', retry: false }))).resolves.toMatchObject({ code: 'TRANSIENT' });
    expect(calls).toHaveLength(1);
  });

  it('waits exactly the Retry-After of a 429 instead of backing off', async () => {
    const { http, calls } = client([json(429, {}, { 'retry-after': '3' }), json(200, {})]);
    await settle(http.request({ path: '/x' }));
    expect(calls.map((c) => c.at)).toEqual([0, 3_000]);
  });

  it('waits the retryAfterMs the adapter parser chose (Discord body retry_after)', async () => {
    const { http, calls } = client([json(429, { retry_after: 0.25 }), json(200, {})], {
      parseError: (outcome) =>
        outcome.kind === 'response' && outcome.status === 429
          ? new PresenceError('RATE_LIMITED', 'slow down', { retryAfterMs: (outcome.body as { retry_after: number }).retry_after * 1000 })
          : baseHttpError('discord', outcome),
    });
    await settle(http.request({ path: '/x' }));
    expect(calls.map((c) => c.at)).toEqual([0, 250]);
  });

  it('retries a 429 without Retry-After with backoff', async () => {
    const { http, calls } = client([json(429, {}), json(200, {})]);
    await settle(http.request({ path: '/x' }));
    expect(calls.map((c) => c.at)).toEqual([0, 50]);
  });

  it('throws at once when Retry-After exceeds maxRetryWaitMs, pausing the bucket', async () => {
    const budgets = new RateBudgetRegistry();
    budgets.define({ bucket: 'zoom:daily', limit: 100, windowMs: 1_000 });
    const { http, calls } = client([json(429, {}, { 'retry-after': '3600' })], { budgets });
    const error = await settle(http.request({ path: '/x', bucket: 'zoom:daily' }), 10);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 3_600_000 });
    expect(calls).toHaveLength(1);
    expect(budgets.get('zoom:daily')?.pausedUntil()).toBe(3_600_000);
  });

  it('makes every caller of a bucket wait out a Retry-After', async () => {
    const budgets = new RateBudgetRegistry();
    budgets.define({ bucket: 'zoom:light', limit: 100, windowMs: 1_000 });
    const { http, calls } = client([json(429, {}, { 'retry-after': '2' }), json(200, {}), json(200, {})], { budgets });
    const first = http.request({ path: '/a', bucket: 'zoom:light' });
    await jest.advanceTimersByTimeAsync(1);
    const second = http.request({ path: '/b', bucket: 'zoom:light' });
    await settle(Promise.all([first, second]));
    expect(calls.map((c) => c.at)).toEqual([0, 2_000, 2_000]);
    expect(calls.map((c) => c.url.slice(-2)).sort()).toEqual(['/a', '/a', '/b']);
  });
});

describe('PlatformHttpClient budgetWait: false', () => {
  it('sends while the bucket has room, then throws NoBudgetNowError at once without sending, recording or pausing', async () => {
    const budgets = new RateBudgetRegistry();
    budgets.define({ bucket: 'slack:dnd', limit: 1, windowMs: 60_000 });
    const { http, calls } = client([json(200, {}), json(200, {})], { budgets });
    await settle(http.request({ path: '/a', bucket: 'slack:dnd', budgetWait: false }), 0);
    const refused = await settle(http.request({ path: '/b', bucket: 'slack:dnd', budgetWait: false }), 0);
    expect(refused).toBeInstanceOf(NoBudgetNowError);
    expect(isNoBudgetNow(refused)).toBe(true);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', retryable: false, retryAfterMs: 60_000 });
    expect(calls).toHaveLength(1);
    expect(http.health().lastError).toBeUndefined();
    expect(budgets.get('slack:dnd')?.pausedUntil()).toBeUndefined();
    // A waiting request on the same bucket still waits for the window, as before.
    const waited = http.request({ path: '/c', bucket: 'slack:dnd' });
    await jest.advanceTimersByTimeAsync(59_999);
    expect(calls).toHaveLength(1);
    await settle(waited, 1);
    expect(calls).toHaveLength(2);
  });
});

describe('PlatformHttpClient wire outcomes', () => {
  it('times out a call that does not answer and maps it to TRANSIENT', async () => {
    const { http, calls } = client(['hang', json(200, { late: false })], { timeoutMs: 1_000 });
    const result = await settle(http.request({ path: '/x' }));
    expect(result).toMatchObject({ body: { late: false } });
    expect(calls.map((c) => c.at)).toEqual([0, 1_050]);
  });

  it('maps network failures to TRANSIENT and malformed JSON to PROTOCOL', async () => {
    const { http } = client([new TypeError('fetch failed')], { maxRetries: 0 });
    await expect(settle(http.request({ path: '/x' }))).resolves.toMatchObject({ code: 'TRANSIENT' });
    const broken = new Response('{"a":', { status: 200, headers: { 'content-type': 'application/json' } });
    const second = client([broken]);
    await expect(settle(second.http.request({ path: '/x' }))).resolves.toMatchObject({ code: 'PROTOCOL' });
  });

  it('falls back to the generic mapping when a parser waves a timeout through', async () => {
    const { http } = client(['hang'], { timeoutMs: 100, maxRetries: 0, parseError: () => null });
    await expect(settle(http.request({ path: '/x' }))).resolves.toMatchObject({ code: 'TRANSIENT' });
  });

  it('treats a non-JSON body as text and an empty body as undefined', async () => {
    const { http } = client([new Response('<html>ok</html>', { status: 200 }), new Response(null, { status: 204 })]);
    await expect(settle(http.request({ path: '/x' }))).resolves.toMatchObject({ body: undefined, text: '<html>ok</html>' });
    await expect(settle(http.request({ path: '/y' }))).resolves.toMatchObject({ status: 204, body: undefined });
  });

  it('builds URLs, query, JSON and form bodies and headers', async () => {
    const { http, calls } = client([json(200, {}), json(200, {})], {
      defaultHeaders: { 'user-agent': 'amo-presence' },
      authScheme: 'Bot',
      auth: { getToken: async () => 'tok', invalidate: () => undefined },
    });
    await settle(http.request({ method: 'POST', path: 'users.getPresence', query: { user: 'U1', skip: undefined, n: 2 }, json: { a: 1 } }));
    await settle(http.request({ method: 'POST', path: '/oauth', form: { code: 'c' }, headers: { 'x-extra': '1' } }));
    expect(calls[0].url).toBe('https://api.example.test/v2/users.getPresence?user=U1&n=2');
    expect(calls[0].init).toMatchObject({
      method: 'POST',
      body: '{"a":1}',
      headers: { authorization: 'Bot tok', 'content-type': 'application/json; charset=utf-8', 'user-agent': 'amo-presence' },
    });
    expect(calls[1].init).toMatchObject({ body: 'code=c', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-extra': '1' } });
  });
});

describe('PlatformHttpClient auth', () => {
  function countingProvider(): TokenProvider & { issued: number; invalidated: Array<string | undefined> } {
    const provider = {
      issued: 0,
      invalidated: [] as Array<string | undefined>,
      current: 'token-0',
      async getToken() {
        provider.issued += 1;
        return provider.current;
      },
      invalidate(rejected?: string) {
        provider.invalidated.push(rejected);
        provider.current = `token-${provider.invalidated.length}`;
      },
    };
    return provider;
  }

  it('refreshes once and retries once on 401', async () => {
    const auth = countingProvider();
    const { http, calls } = client([json(401, {}), json(200, { ok: true })], { auth });
    await expect(settle(http.request({ path: '/x' }))).resolves.toMatchObject({ body: { ok: true } });
    expect(auth.invalidated).toEqual(['token-0']);
    expect(calls.map((c) => (c.init.headers as Record<string, string>).authorization)).toEqual(['Bearer token-0', 'Bearer token-1']);
  });

  it('gives up with AUTH_INVALID when the refreshed token is rejected too', async () => {
    const auth = countingProvider();
    const { http, calls } = client([json(401, {}), json(401, {}), json(200, {})], { auth });
    await expect(settle(http.request({ path: '/x' }))).resolves.toMatchObject({ code: 'AUTH_INVALID' });
    expect(calls).toHaveLength(2);
    expect(auth.invalidated).toHaveLength(1);
  });
});

describe('PlatformHttpClient circuit breaker', () => {
  it('opens after consecutive failures, half-opens after the cool-down, closes on success', async () => {
    const { http, calls } = client([json(500, {}), json(500, {}), json(500, {}), json(200, {})], {
      breaker: { failureThreshold: 3, cooldownMs: 1_000 },
      maxRetries: 0,
    });
    for (let i = 0; i < 3; i++) await settle(http.request({ path: '/x' }), 0);
    expect(http.health()).toMatchObject({ breaker: 'open', breakerRetryInMs: 1_000 });
    const refused = await settle(http.request({ path: '/x' }), 0);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused).toMatchObject({ code: 'TRANSIENT', retryAfterMs: 1_000 });
    expect(calls).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(400);
    expect(http.health().breakerRetryInMs).toBe(600);
    await jest.advanceTimersByTimeAsync(600);
    expect(http.health().breaker).toBe('half-open');
    await expect(settle(http.request({ path: '/x' }), 0)).resolves.toMatchObject({ status: 200 });
    expect(http.health().breaker).toBe('closed');
    expect(http.health().breakerRetryInMs).toBeUndefined();
  });

  it('re-opens when the half-open trial fails and stops retrying inside a request once open', async () => {
    const script = scriptedFetch([], () => json(500, {}));
    const failing = new PlatformHttpClient({
      platform: 'zoom',
      baseUrl: 'https://x.test',
      parseError: (o) => baseHttpError('zoom', o),
      fetch: script.fetch,
      random: () => 0,
      breaker: { failureThreshold: 2, cooldownMs: 500 },
    });
    const error = await settle(failing.request({ path: '/x' }), 10);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(script.calls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(500);
    await settle(failing.request({ path: '/x', retry: false }), 0);
    expect(script.calls).toHaveLength(3);
    expect(failing.health().breaker).toBe('open');
  });

  it('does not count 4xx and 429 answers toward opening', async () => {
    const { http } = client([json(404, {}), json(429, {}), json(404, {}), json(429, {})], {
      breaker: { failureThreshold: 2 },
      maxRetries: 0,
    });
    for (let i = 0; i < 4; i++) await settle(http.request({ path: '/x' }), 0);
    expect(http.health().breaker).toBe('closed');
  });
});

describe('PlatformHttpClient budgets and close', () => {
  it('paces requests through the bucket budget', async () => {
    const budgets = new RateBudgetRegistry();
    budgets.define({ bucket: 'slack:users.getPresence', limit: 2, windowMs: 1_000 });
    const scripted = scriptedFetch([], () => json(200, {}));
    const paced = new PlatformHttpClient({ platform: 'slack', baseUrl: 'https://slack.test/api', parseError: (o) => baseHttpError('slack', o), fetch: scripted.fetch, budgets });
    const all = Promise.all([1, 2, 3, 4, 5].map(() => paced.request({ path: '/p', bucket: 'slack:users.getPresence' })));
    await jest.advanceTimersByTimeAsync(2_000);
    await all;
    expect(scripted.calls.map((c) => c.at)).toEqual([0, 0, 1_000, 1_000, 2_000]);
    expect(paced.health().budgets).toEqual([{ bucket: 'slack:users.getPresence', used: 1, limit: 2, windowMs: 1_000 }]);
  });

  it('close() cancels retry waits and leaves no timers', async () => {
    const { http } = client([json(500, {})], { backoff: { baseMs: 60_000, maxMs: 60_000 } });
    const pending = http.request({ path: '/x' }).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(10);
    expect(jest.getTimerCount()).toBe(1);
    http.close();
    await expect(pending).resolves.toMatchObject({ code: 'TRANSIENT', message: expect.stringContaining('closed') });
    expect(jest.getTimerCount()).toBe(0);
    await expect(http.request({ path: '/x' })).rejects.toMatchObject({ message: expect.stringContaining('closed') });
  });

  it('close() aborts an in-flight request', async () => {
    const { http } = client(['hang']);
    const pending = http.request({ path: '/x' }).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(10);
    http.close();
    await expect(pending).resolves.toMatchObject({ message: expect.stringContaining('closed') });
    expect(jest.getTimerCount()).toBe(0);
  });
});
