import { type PresenceErrorCode, PresenceError } from '@amo/presence-core';
import { baseHttpError, type HttpOutcome, parseRetryAfterMs } from '@amo/presence-adapter-kit';

/**
 * Slack's `error` strings (HTTP 200, `ok: false`) and what each means to us. Anything not listed is PROTOCOL:
 * a request we built wrongly or a method Slack changed, neither of which a retry fixes.
 */
export const SLACK_ERROR_CODES = {
  invalid_auth: 'AUTH_INVALID',
  not_authed: 'AUTH_INVALID',
  account_inactive: 'AUTH_INVALID',
  token_revoked: 'AUTH_INVALID',
  token_expired: 'AUTH_INVALID',
  no_permission: 'PERMISSION_DENIED',
  missing_scope: 'PERMISSION_DENIED',
  not_allowed_token_type: 'PERMISSION_DENIED',
  ekm_access_denied: 'PERMISSION_DENIED',
  access_denied: 'PERMISSION_DENIED',
  team_access_not_granted: 'PERMISSION_DENIED',
  user_not_found: 'NOT_FOUND',
  users_not_found: 'NOT_FOUND',
  user_not_visible: 'NOT_FOUND',
  ratelimited: 'RATE_LIMITED',
  rate_limited: 'RATE_LIMITED',
  fatal_error: 'TRANSIENT',
  internal_error: 'TRANSIENT',
  service_unavailable: 'TRANSIENT',
  request_timeout: 'TRANSIENT',
} as const satisfies Record<string, PresenceErrorCode>;

export type SlackErrorString = keyof typeof SLACK_ERROR_CODES;

interface SlackEnvelope {
  ok?: unknown;
  error?: unknown;
  needed?: unknown;
}

function isEnvelope(body: unknown): body is SlackEnvelope {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

/** The code a Slack `error` string maps to; unknown strings are PROTOCOL. */
export function slackErrorCode(error: string): PresenceErrorCode {
  return Object.hasOwn(SLACK_ERROR_CODES, error) ? SLACK_ERROR_CODES[error as SlackErrorString] : 'PROTOCOL';
}

/**
 * Turns any HTTP outcome of a Slack Web API call into a PresenceError, or null for `ok: true`. Pure.
 * Slack reports logical errors as HTTP 200 with `ok: false`; throttling as HTTP 429 with Retry-After
 * (seconds); everything else falls back to the kit's generic HTTP mapping.
 */
export function parseSlackError(outcome: HttpOutcome, nowMs: number = Date.now()): PresenceError | null {
  if (outcome.kind !== 'response' || outcome.status < 200 || outcome.status >= 300) {
    return baseHttpError('slack', outcome, nowMs);
  }
  const body = outcome.body;
  if (!isEnvelope(body) || typeof body.ok !== 'boolean') {
    return new PresenceError('PROTOCOL', 'Slack answered without an ok field', { platform: 'slack', status: outcome.status });
  }
  if (body.ok) return null;
  const error = typeof body.error === 'string' ? body.error : 'unknown_error';
  const code = slackErrorCode(error);
  const needed = typeof body.needed === 'string' ? ` (needs ${body.needed})` : '';
  return new PresenceError(code, `Slack: ${error}${needed}`, {
    platform: 'slack',
    status: outcome.status,
    retryAfterMs: code === 'RATE_LIMITED' ? parseRetryAfterMs(outcome.headers, nowMs) : undefined,
  });
}
