import { PresenceError, type PresenceErrorCode } from '@amo/presence-core';
import { baseHttpError, type HttpOutcome } from '@amo/presence-adapter-kit';

/**
 * Zoom's error body: `{"code": 1001, "message": "User does not exist: ..."}`. Hand-written; follows Zoom's
 * API reference "Error definitions" page and "Rate limits" (https://developers.zoom.us/docs/commerce/rate-limits/).
 */
export interface ZoomErrorBody {
  code: number;
  message: string;
}

/**
 * OAuth endpoint errors look different: `{"reason": "Invalid client_id or client_secret", "error": "invalid_client"}`.
 * Follows Zoom's "Server-to-Server OAuth" page (https://developers.zoom.us/docs/rooms/s2s-oauth/).
 */
interface ZoomOAuthErrorBody {
  error: string;
  reason?: string;
}

/** Zoom error codes whose meaning does not follow from the HTTP status alone. */
export const ZOOM_ERROR_CODES = {
  124: 'AUTH_INVALID', // Invalid access token
  1001: 'NOT_FOUND', // User does not exist
  1120: 'NOT_FOUND', // Invalid user (the path id is not a user of this account)
  4711: 'PERMISSION_DENIED', // Token lacks a scope, e.g. user:read:presence_status:admin
  429: 'RATE_LIMITED',
} as const satisfies Record<number, PresenceErrorCode>;

export function isZoomErrorBody(body: unknown): body is ZoomErrorBody {
  const value = body as Partial<ZoomErrorBody> | null;
  return typeof value === 'object' && value !== null && typeof value.code === 'number' && typeof value.message === 'string';
}

function isOAuthErrorBody(body: unknown): body is ZoomOAuthErrorBody {
  const value = body as Partial<ZoomOAuthErrorBody> | null;
  return typeof value === 'object' && value !== null && typeof value.error === 'string';
}

const OAUTH_ERRORS: Readonly<Record<string, PresenceErrorCode>> = {
  invalid_client: 'AUTH_INVALID',
  invalid_grant: 'AUTH_INVALID',
  invalid_request: 'AUTH_INVALID', // e.g. "Invalid account_id"
  unauthorized_client: 'PERMISSION_DENIED',
  unsupported_grant_type: 'PROTOCOL',
};

/**
 * Zoom's outcome -> PresenceError, pure: null for success. The HTTP status gives the default (the kit's
 * `baseHttpError`), Zoom's own `code` refines it (1001 -> NOT_FOUND even on a 400, 4711 -> PERMISSION_DENIED).
 *
 * @param nowMs the time a Retry-After HTTP-date is measured from.
 */
export function parseZoomError(outcome: HttpOutcome, nowMs: number = Date.now()): PresenceError | null {
  const base = baseHttpError('zoom', outcome, nowMs);
  if (outcome.kind !== 'response' || base === null) return base;
  const { body, status } = outcome;
  const options = { platform: 'zoom' as const, status, retryAfterMs: base.retryAfterMs };
  if (isZoomErrorBody(body)) {
    const mapped: PresenceErrorCode | undefined = (ZOOM_ERROR_CODES as Record<number, PresenceErrorCode>)[body.code];
    return new PresenceError(mapped ?? base.code, `zoom ${status}: ${body.message} (code ${body.code})`, options);
  }
  if (isOAuthErrorBody(body)) {
    const mapped = OAUTH_ERRORS[body.error];
    const reason = body.reason ? `${body.error}: ${body.reason}` : body.error;
    return new PresenceError(mapped ?? base.code, `zoom oauth ${status}: ${reason}`, options);
  }
  return base;
}
