import { baseHttpError, describeCause, parseRetryAfterMs, type HttpOutcome } from './http-outcome';

const h = (init: Record<string, string> = {}) => new Headers(init);
const response = (status: number, headers: Record<string, string> = {}): HttpOutcome => ({
  kind: 'response',
  status,
  headers: h(headers),
  body: undefined,
  text: '',
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delay-seconds, including fractions', () => {
    expect(parseRetryAfterMs(h({ 'retry-after': '120' }), now)).toBe(120_000);
    expect(parseRetryAfterMs(h({ 'retry-after': '0' }), now)).toBe(0);
    expect(parseRetryAfterMs(h({ 'retry-after': ' 1.5 ' }), now)).toBe(1_500);
  });

  it('reads an HTTP-date relative to now and never goes negative', () => {
    expect(parseRetryAfterMs(h({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30_000);
    expect(parseRetryAfterMs(h({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfterMs(h(), now)).toBeUndefined();
    expect(parseRetryAfterMs(h({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfterMs(h({ 'retry-after': '-5' }), now)).toBeUndefined();
  });
});

describe('baseHttpError', () => {
  it.each([
    [200, null],
    [204, null],
    [401, 'AUTH_INVALID'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [429, 'RATE_LIMITED'],
    [408, 'TRANSIENT'],
    [500, 'TRANSIENT'],
    [502, 'TRANSIENT'],
    [503, 'TRANSIENT'],
    [400, 'PROTOCOL'],
    [409, 'PROTOCOL'],
    [302, 'PROTOCOL'],
  ])('maps %i to %s', (status, code) => {
    const error = baseHttpError('slack', response(status));
    expect(error?.code ?? null).toBe(code);
    if (error) expect(error).toMatchObject({ platform: 'slack', status });
  });

  it('carries Retry-After on 429 and 503 only', () => {
    expect(baseHttpError('zoom', response(429, { 'retry-after': '7' }))?.retryAfterMs).toBe(7_000);
    expect(baseHttpError('zoom', response(503, { 'retry-after': '2' }))?.retryAfterMs).toBe(2_000);
    expect(baseHttpError('zoom', response(500, { 'retry-after': '2' }))?.retryAfterMs).toBeUndefined();
  });

  it('maps timeouts and network failures to TRANSIENT, malformed bodies to PROTOCOL unless the platform is down', () => {
    expect(baseHttpError('teams', { kind: 'timeout', timeoutMs: 10 })).toMatchObject({ code: 'TRANSIENT' });
    const reset = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
    const network = baseHttpError('teams', { kind: 'network', cause: reset });
    expect(network).toMatchObject({ code: 'TRANSIENT', message: expect.stringContaining('ECONNRESET') });
    expect(baseHttpError('teams', { kind: 'malformed', status: 200, headers: h(), text: '{' })?.code).toBe('PROTOCOL');
    expect(baseHttpError('teams', { kind: 'malformed', status: 502, headers: h(), text: '{' })?.code).toBe('TRANSIENT');
  });

  it('describes causes without throwing', () => {
    expect(describeCause('boom')).toBe('boom');
    expect(describeCause(new Error('plain'))).toBe('plain');
  });
});
