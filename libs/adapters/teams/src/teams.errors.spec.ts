import type { HttpOutcome } from '@amo/presence-adapter-kit';
import { parseTeamsError } from './teams.errors';

const clock = { now: () => Date.parse('2026-03-02T09:00:00Z') };

function graph(status: number, code?: string, headers: Record<string, string> = {}): HttpOutcome {
  const body = code ? { error: { code, message: `${code} happened`, innerError: { 'request-id': 'r' } } } : undefined;
  return { kind: 'response', status, headers: new Headers(headers), body, text: body ? JSON.stringify(body) : '' };
}

describe('parseTeamsError', () => {
  it('is null for success', () => {
    expect(parseTeamsError(graph(200), clock)).toBeNull();
    expect(parseTeamsError(graph(204), clock)).toBeNull();
  });

  it('401 InvalidAuthenticationToken -> AUTH_INVALID', () => {
    expect(parseTeamsError(graph(401, 'InvalidAuthenticationToken'), clock)).toMatchObject({ code: 'AUTH_INVALID', status: 401, platform: 'teams' });
  });

  it('403 Authorization_RequestDenied -> PERMISSION_DENIED naming the code', () => {
    const error = parseTeamsError(graph(403, 'Authorization_RequestDenied'), clock);
    expect(error).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(error?.message).toContain('Authorization_RequestDenied');
  });

  it('404 in Graph shape -> NOT_FOUND; a bare 404 (wrong base URL) -> PROTOCOL', () => {
    expect(parseTeamsError(graph(404, 'NotFound'), clock)?.code).toBe('NOT_FOUND');
    expect(parseTeamsError(graph(404), clock)?.code).toBe('PROTOCOL');
  });

  it('429 -> RATE_LIMITED with Retry-After seconds or date', () => {
    expect(parseTeamsError(graph(429, 'TooManyRequests', { 'retry-after': '7' }), clock)).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 7000 });
    expect(parseTeamsError(graph(429, 'TooManyRequests', { 'retry-after': 'Mon, 02 Mar 2026 09:00:30 GMT' }), clock)?.retryAfterMs).toBe(30_000);
    expect(parseTeamsError(graph(429, 'TooManyRequests'), clock)?.retryAfterMs).toBeUndefined();
  });

  it('503 and 5xx -> TRANSIENT, 503 with Retry-After', () => {
    expect(parseTeamsError(graph(503, 'ServiceUnavailable', { 'retry-after': '3' }), clock)).toMatchObject({ code: 'TRANSIENT', retryAfterMs: 3000 });
    expect(parseTeamsError(graph(500, 'InternalServerError'), clock)?.code).toBe('TRANSIENT');
    expect(parseTeamsError(graph(408), clock)?.code).toBe('TRANSIENT');
  });

  it('400 and other 4xx -> PROTOCOL', () => {
    expect(parseTeamsError(graph(400, 'BadRequest'), clock)?.code).toBe('PROTOCOL');
    expect(parseTeamsError(graph(409, 'Conflict'), clock)?.code).toBe('PROTOCOL');
  });

  it('malformed bodies, timeouts and resets', () => {
    expect(parseTeamsError({ kind: 'malformed', status: 200, headers: new Headers(), text: '{' }, clock)?.code).toBe('PROTOCOL');
    expect(parseTeamsError({ kind: 'timeout', timeoutMs: 10 }, clock)?.code).toBe('TRANSIENT');
    expect(parseTeamsError({ kind: 'network', cause: new Error('ECONNRESET') })?.code).toBe('TRANSIENT');
  });
});
