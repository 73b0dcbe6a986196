import type { HttpOutcome } from '@amo/presence-adapter-kit';
import { parseLinkedInError } from './linkedin.errors';

const response = (status: number, body: unknown, headers: Record<string, string> = {}): HttpOutcome => ({
  kind: 'response',
  status,
  headers: new Headers(headers),
  body,
  text: JSON.stringify(body),
});

describe('parseLinkedInError', () => {
  it('passes a 200 through', () => {
    expect(parseLinkedInError(response(200, { sub: 'x' }))).toBeNull();
  });

  it('maps invalid, revoked and expired tokens (401) to AUTH_INVALID with LinkedIn\'s message', () => {
    for (const [code, message] of [[65600, 'Invalid access token'], [65601, 'revoked'], [65602, 'expired']] as const) {
      const error = parseLinkedInError(response(401, { status: 401, serviceErrorCode: code, message }));
      expect(error?.code).toBe('AUTH_INVALID');
      expect(error?.message).toContain(`serviceErrorCode ${code}`);
    }
  });

  it('maps 403 to PERMISSION_DENIED and 429 to RATE_LIMITED with Retry-After', () => {
    expect(parseLinkedInError(response(403, { status: 403, serviceErrorCode: 100, message: 'Not enough permissions' }))?.code).toBe('PERMISSION_DENIED');
    const limited = parseLinkedInError(response(429, { status: 429, message: 'throttled' }, { 'retry-after': '3' }), 0);
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 3000 });
  });

  it('treats OAuth invalid_grant / invalid_client as AUTH_INVALID even on 400', () => {
    expect(parseLinkedInError(response(400, { error: 'invalid_grant', error_description: 'expired' }))?.code).toBe('AUTH_INVALID');
    expect(parseLinkedInError(response(400, { error: 'invalid_request' }))?.code).toBe('PROTOCOL');
  });

  it('keeps the generic mapping for outages and broken bodies', () => {
    expect(parseLinkedInError(response(503, undefined))?.code).toBe('TRANSIENT');
    expect(parseLinkedInError({ kind: 'network', cause: new Error('ECONNRESET') })?.code).toBe('TRANSIENT');
    expect(parseLinkedInError({ kind: 'malformed', status: 200, headers: new Headers(), text: '{' })?.code).toBe('PROTOCOL');
  });
});
