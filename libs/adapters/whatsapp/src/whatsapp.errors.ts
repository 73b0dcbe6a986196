import { baseHttpError, type HttpOutcome, parseRetryAfterMs } from '@amo/presence-adapter-kit';
import { PresenceError } from '@amo/presence-core';
import { whatsappManifest } from './whatsapp.manifest';

/**
 * Graph API's error body: `{ error: { message, type, code, error_subcode?, fbtrace_id } }`. Hand-written (Meta
 * publishes no typed package for the Cloud API); follows the Graph API guide "Handling Errors" and the WhatsApp
 * Cloud API "Error codes" page (developers.facebook.com).
 */
export interface GraphErrorBody {
  error: { message?: string; type?: string; code?: number; error_subcode?: number; fbtrace_id?: string };
}

function graphError(body: unknown): GraphErrorBody['error'] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'object' && error !== null ? (error as GraphErrorBody['error']) : undefined;
}

const RATE_LIMIT_CODES: ReadonlySet<number> = new Set(whatsappManifest.rateLimitErrorCodes);
/** 10: permission denied; 200-299: a permission the token lacks (whatsapp_business_management, ...). */
const isPermissionCode = (code: number): boolean => code === 10 || (code >= 200 && code <= 299);
/** 1: unknown error, 2: service temporarily unavailable, 131000: "something went wrong" on Meta's side. */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2, 131000]);

/**
 * Maps one Graph API exchange to a PresenceError, or null on success. Graph's own `error.code` decides before
 * the HTTP status does: Meta sends 190 (invalid token) with 400 as well as 401, and rate limits as 400 or 429.
 */
export function parseWhatsAppError(outcome: HttpOutcome, nowMs: number = Date.now()): PresenceError | null {
  if (outcome.kind !== 'response' || (outcome.status >= 200 && outcome.status < 300)) {
    return baseHttpError('whatsapp', outcome, nowMs);
  }
  const error = graphError(outcome.body);
  const code = error?.code;
  const status = outcome.status;
  // Meta's message text is safe to keep (it never echoes the token); the trace id helps their support.
  const detail = error ? `${error.message ?? 'Graph error'} (code ${code ?? '?'}${error.fbtrace_id ? `, fbtrace_id ${error.fbtrace_id}` : ''})` : `HTTP ${status}`;
  const options = { platform: 'whatsapp' as const, status };
  if (code === 190 || status === 401 || (error?.type === 'OAuthException' && code === 102)) {
    return new PresenceError('AUTH_INVALID', `whatsapp rejected the access token: ${detail}`, options);
  }
  if (code !== undefined && RATE_LIMIT_CODES.has(code)) {
    return new PresenceError('RATE_LIMITED', `whatsapp rate limit: ${detail}`, {
      ...options,
      retryAfterMs: parseRetryAfterMs(outcome.headers, nowMs),
    });
  }
  if (code !== undefined && isPermissionCode(code)) {
    return new PresenceError('PERMISSION_DENIED', `whatsapp denied access: ${detail}`, options);
  }
  // 100 with subcode 33: "Object with ID ... does not exist, cannot be loaded due to missing permissions".
  if (code === 100 && error?.error_subcode === 33) {
    return new PresenceError('NOT_FOUND', `whatsapp does not know this object: ${detail}`, options);
  }
  if (code !== undefined && TRANSIENT_CODES.has(code)) {
    return new PresenceError('TRANSIENT', `whatsapp is temporarily failing: ${detail}`, options);
  }
  const base = baseHttpError('whatsapp', outcome, nowMs);
  if (base && error) return new PresenceError(base.code, `whatsapp: ${detail}`, { ...options, retryAfterMs: base.retryAfterMs });
  return base;
}
