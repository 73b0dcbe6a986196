import type { HttpOutcome } from '@amo/presence-adapter-kit';
import { parseZoomError } from './zoom.errors';

const NOW = Date.parse('2026-03-02T10:00:00Z');

function response(status: number, body: unknown, headers: Record<string, string> = {}): HttpOutcome {
  return { kind: 'response', status, headers: new Headers(headers), body, text: JSON.stringify(body) };
}

describe('parseZoomError', () => {
  it('is null for success', () => {
    expect(parseZoomError(response(200, { status: 'Available' }), NOW)).toBeNull();
  });

  it('maps 401 code 124 to AUTH_INVALID', () => {
    const error = parseZoomError(response(401, { code: 124, message: 'Invalid access token.' }), NOW);
    expect(error).toMatchObject({ code: 'AUTH_INVALID', status: 401, platform: 'zoom' });
    expect(error?.message).toContain('Invalid access token.');
  });

  it('maps "user does not exist" (1001) to NOT_FOUND, whatever the status', () => {
    expect(parseZoomError(response(404, { code: 1001, message: 'User does not exist: x.' }), NOW)?.code).toBe('NOT_FOUND');
    expect(parseZoomError(response(400, { code: 1001, message: 'User does not exist: x.' }), NOW)?.code).toBe('NOT_FOUND');
    expect(parseZoomError(response(400, { code: 1120, message: 'Invalid user.' }), NOW)?.code).toBe('NOT_FOUND');
  });

  it('maps a missing scope (4711) to PERMISSION_DENIED', () => {
    const body = { code: 4711, message: 'Invalid access token, does not contain scopes:[user:read:presence_status:admin].' };
    expect(parseZoomError(response(400, body), NOW)?.code).toBe('PERMISSION_DENIED');
  });

  it('maps 429 to RATE_LIMITED with Retry-After in seconds or as a date', () => {
    const body = { code: 429, message: 'You have reached the maximum per-second rate limit for this API.' };
    expect(parseZoomError(response(429, body, { 'retry-after': '2' }), NOW)).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 2000,
    });
    const date = new Date(NOW + 30_000).toUTCString();
    expect(parseZoomError(response(429, body, { 'retry-after': date }), NOW)?.retryAfterMs).toBe(30_000);
  });

  it('maps OAuth endpoint errors', () => {
    const invalidClient = { reason: 'Invalid client_id or client_secret', error: 'invalid_client' };
    expect(parseZoomError(response(401, invalidClient), NOW)).toMatchObject({ code: 'AUTH_INVALID' });
    expect(parseZoomError(response(400, { reason: 'Invalid account_id', error: 'invalid_request' }), NOW)?.code).toBe(
      'AUTH_INVALID',
    );
    expect(parseZoomError(response(400, { error: 'unsupported_grant_type' }), NOW)?.code).toBe('PROTOCOL');
    expect(parseZoomError(response(400, { error: 'something_new' }), NOW)?.code).toBe('PROTOCOL');
  });

  it('falls back to the HTTP status for unknown codes and bodies', () => {
    expect(parseZoomError(response(403, { code: 200, message: 'No privilege.' }), NOW)?.code).toBe('PERMISSION_DENIED');
    expect(parseZoomError(response(503, 'down'), NOW)?.code).toBe('TRANSIENT');
    expect(parseZoomError(response(418, undefined), NOW)?.code).toBe('PROTOCOL');
  });

  it('maps timeouts, resets and malformed bodies', () => {
    expect(parseZoomError({ kind: 'timeout', timeoutMs: 10 }, NOW)?.code).toBe('TRANSIENT');
    expect(parseZoomError({ kind: 'network', cause: new Error('ECONNRESET') }, NOW)?.code).toBe('TRANSIENT');
    expect(parseZoomError({ kind: 'malformed', status: 200, headers: new Headers(), text: '{' }, NOW)?.code).toBe('PROTOCOL');
  });
});
