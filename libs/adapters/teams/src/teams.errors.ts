import { baseHttpError, type HttpOutcome, parseRetryAfterMs } from '@amo/presence-adapter-kit';
import { type Clock, PresenceError, systemClock } from '@amo/presence-core';

/** Graph's error body: `{ error: { code, message, innerError? } }`. */
export interface GraphErrorBody {
  error: { code: string; message?: string; innerError?: Record<string, unknown> };
}

export function isGraphErrorBody(body: unknown): body is GraphErrorBody {
  const error = (body as { error?: unknown } | null)?.error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

/**
 * Maps one Graph outcome to a PresenceError, or null for success. Pure; tested one
 * status at a time. Refines the kit's generic mapping with Graph's codes:
 * 401 -> AUTH_INVALID (the kit refreshes the token once); 403 Authorization_RequestDenied -> PERMISSION_DENIED;
 * 404 in Graph's shape -> NOT_FOUND (unknown ids), 404 in any other shape -> PROTOCOL (a wrong base URL must
 * not read as "everyone unknown"); 429 and 503 carry Retry-After; 400 and 409 -> PROTOCOL (status kept).
 * (Token endpoint answers are mapped by the kit's token provider.)
 */
export function parseTeamsError(outcome: HttpOutcome, clock: Clock = systemClock): PresenceError | null {
  if (outcome.kind !== 'response') return baseHttpError('teams', outcome, clock.now());
  const { status, body, headers } = outcome;
  if (status >= 200 && status < 300) return null;
  const retryAfterMs = parseRetryAfterMs(headers, clock.now());
  const graph = isGraphErrorBody(body) ? body.error : undefined;
  const detail = graph ? `${graph.code}${graph.message ? `: ${graph.message}` : ''}` : `HTTP ${status}`;
  const options = { platform: 'teams' as const, status, retryAfterMs };
  switch (true) {
    case status === 401:
      return new PresenceError('AUTH_INVALID', `Graph rejected the token (${detail})`, options);
    case status === 403:
      return new PresenceError('PERMISSION_DENIED', `Graph denied access (${detail}); the app needs Presence.Read.All`, options);
    case status === 404:
      return graph
        ? new PresenceError('NOT_FOUND', `Graph does not know the resource (${detail})`, options)
        : new PresenceError('PROTOCOL', `no Graph endpoint answered (HTTP 404); check graphBaseUrl`, options);
    case status === 429:
      return new PresenceError('RATE_LIMITED', `Graph throttled the request (${detail})`, options);
    case status === 400:
      return new PresenceError('PROTOCOL', `Graph refused the request (${detail})`, options);
    case status === 409:
      // Presence: one subscription per signed-in user per application; the caller deletes the old one first.
      return new PresenceError('PROTOCOL', `Graph reports a conflict (${detail})`, options);
    case status === 408 || status >= 500:
      return new PresenceError('TRANSIENT', `Graph is unavailable (${detail})`, options);
    default:
      return new PresenceError('PROTOCOL', `unexpected Graph answer (${detail})`, options);
  }
}
