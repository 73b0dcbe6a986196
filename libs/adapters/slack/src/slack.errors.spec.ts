import type { HttpOutcome } from '@amo/presence-adapter-kit';
import { parseSlackError, SLACK_ERROR_CODES } from './slack.errors';

const NOW = Date.UTC(2025, 0, 1);

function response(status: number, body: unknown, headers: Record<string, string> = {}): HttpOutcome {
  return { kind: 'response', status, headers: new Headers(headers), body, text: JSON.stringify(body) };
}

describe('parseSlackError', () => {
  it('treats ok:true as success', () => {
    expect(parseSlackError(response(200, { ok: true, presence: 'active' }), NOW)).toBeNull();
  });

  it.each([
    ['invalid_auth', 'AUTH_INVALID'],
    ['account_inactive', 'AUTH_INVALID'],
    ['not_authed', 'AUTH_INVALID'],
    ['token_revoked', 'AUTH_INVALID'],
    ['missing_scope', 'PERMISSION_DENIED'],
    ['user_not_found', 'NOT_FOUND'],
    ['ratelimited', 'RATE_LIMITED'],
    ['internal_error', 'TRANSIENT'],
    ['invalid_arguments', 'PROTOCOL'],
  ])('maps HTTP 200 ok:false %s to %s', (error, code) => {
    const parsed = parseSlackError(response(200, { ok: false, error }), NOW);
    expect(parsed).toMatchObject({ code, platform: 'slack', status: 200 });
    expect(parsed?.message).toContain(error);
  });

  it('maps every listed error string to its code', () => {
    for (const [error, code] of Object.entries(SLACK_ERROR_CODES)) {
      expect(parseSlackError(response(200, { ok: false, error }), NOW)?.code).toBe(code);
    }
  });

  it('names the scope a missing_scope error needs', () => {
    expect(parseSlackError(response(200, { ok: false, error: 'missing_scope', needed: 'dnd:read' }), NOW)?.message).toBe(
      'Slack: missing_scope (needs dnd:read)',
    );
  });

  it('reads Retry-After on HTTP 429 and on a 200 ratelimited', () => {
    expect(parseSlackError(response(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '30' }), NOW)).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 30_000,
      status: 429,
    });
    expect(parseSlackError(response(200, { ok: false, error: 'ratelimited' }, { 'retry-after': '7' }), NOW)?.retryAfterMs).toBe(7_000);
    expect(parseSlackError(response(200, { ok: false, error: 'user_not_found' }, { 'retry-after': '7' }), NOW)?.retryAfterMs).toBeUndefined();
  });

  it('falls back to the generic HTTP mapping for other statuses and failures', () => {
    expect(parseSlackError(response(500, undefined), NOW)?.code).toBe('TRANSIENT');
    expect(parseSlackError(response(401, undefined), NOW)?.code).toBe('AUTH_INVALID');
    expect(parseSlackError(response(404, undefined), NOW)).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(parseSlackError({ kind: 'timeout', timeoutMs: 10 }, NOW)?.code).toBe('TRANSIENT');
    expect(parseSlackError({ kind: 'network', cause: new Error('ECONNRESET') }, NOW)?.code).toBe('TRANSIENT');
    expect(parseSlackError({ kind: 'malformed', status: 200, headers: new Headers(), text: '{"ok": tru' }, NOW)?.code).toBe('PROTOCOL');
  });

  it('calls a 2xx without the ok envelope a protocol error', () => {
    expect(parseSlackError(response(200, undefined), NOW)?.code).toBe('PROTOCOL');
    expect(parseSlackError(response(200, ['ok']), NOW)?.code).toBe('PROTOCOL');
    expect(parseSlackError(response(200, { ok: false }), NOW)?.message).toBe('Slack: unknown_error');
  });
});
