import { baseHttpError, type HttpOutcome } from '@amo/presence-adapter-kit';
import { PresenceError } from '@amo/presence-core';

/**
 * LinkedIn's two error bodies: the API's `{serviceErrorCode, message, status}` and the OAuth endpoints'
 * `{error, error_description}`. Hand-written (LinkedIn publishes no typed package); follows the API guide's
 * "Error Handling" page and "Authorization Code Flow" (learn.microsoft.com/en-us/linkedin/shared/...).
 */
export interface LinkedInErrorBody {
  serviceErrorCode?: number;
  code?: string;
  message?: string;
  status?: number;
  error?: string;
  error_description?: string;
}

function describe(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = body as LinkedInErrorBody;
  if (typeof error.error === 'string') return `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  if (typeof error.message === 'string') {
    return `${error.message}${error.serviceErrorCode !== undefined ? ` (serviceErrorCode ${error.serviceErrorCode})` : ''}`;
  }
  return undefined;
}

/** OAuth errors that mean the grant or client is no good, whatever the HTTP status said. */
const AUTH_ERRORS: ReadonlySet<string> = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'invalid_token']);

/**
 * Maps one LinkedIn exchange to a PresenceError, or null on success. The generic mapping decides the code;
 * LinkedIn's own message (never a token) is kept, and an OAuth `invalid_grant`/`invalid_client` on a 400 (an
 * expired or revoked refresh token) is AUTH_INVALID, not a protocol error.
 */
export function parseLinkedInError(outcome: HttpOutcome, nowMs: number = Date.now()): PresenceError | null {
  const base = baseHttpError('linkedin', outcome, nowMs);
  if (!base || outcome.kind !== 'response') return base;
  const body = outcome.body as LinkedInErrorBody | undefined;
  const detail = describe(body);
  const options = { platform: 'linkedin' as const, status: outcome.status, retryAfterMs: base.retryAfterMs };
  if (typeof body?.error === 'string' && AUTH_ERRORS.has(body.error)) {
    return new PresenceError('AUTH_INVALID', `linkedin rejected the credentials: ${detail}`, options);
  }
  return detail ? new PresenceError(base.code, `linkedin: ${detail}`, options) : base;
}
