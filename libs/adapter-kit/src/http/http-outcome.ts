import { PresenceError, type Platform } from '@amo/presence-core';

/**
 * What one HTTP exchange with a platform produced, before anyone decided whether it is an error.
 * `body` is the parsed JSON (undefined when the response was not JSON or was empty).
 */
export type HttpOutcome =
  | { kind: 'response'; status: number; headers: Headers; body: unknown; text: string }
  | { kind: 'malformed'; status: number; headers: Headers; text: string }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'network'; cause: unknown };

/**
 * An adapter's pure `parse<Platform>Error`: null means success (e.g. Slack's 200 `ok: true`).
 * It is called for every outcome, successes included.
 */
export type ErrorParser = (outcome: HttpOutcome) => PresenceError | null;

/**
 * Reads `Retry-After` in both of its RFC 9110 forms: delay-seconds (fractions tolerated) or an HTTP-date.
 * Returns milliseconds from `nowMs`, never negative; undefined when the header is absent or unreadable.
 */
export function parseRetryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // An HTTP-date always names a day or month; this keeps Date.parse from reading "-5" as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * The generic HTTP mapping every adapter's parser falls back to:
 * 2xx -> null; 401 -> AUTH_INVALID; 403 -> PERMISSION_DENIED; 404 -> NOT_FOUND; 429 -> RATE_LIMITED (Retry-After);
 * 408, 5xx, timeout, network -> TRANSIENT (Retry-After honoured on 503); malformed JSON -> PROTOCOL, except on a
 * 5xx, where a broken body is part of the outage and stays TRANSIENT; any other status -> PROTOCOL.
 *
 * @param nowMs the time Retry-After dates are measured from (defaults to Date.now()).
 */
export function baseHttpError(platform: Platform, outcome: HttpOutcome, nowMs: number = Date.now()): PresenceError | null {
  switch (outcome.kind) {
    case 'timeout':
      return new PresenceError('TRANSIENT', `${platform} did not answer within ${outcome.timeoutMs} ms`, { platform });
    case 'network':
      return new PresenceError('TRANSIENT', `${platform} connection failed: ${describeCause(outcome.cause)}`, {
        platform,
        cause: outcome.cause,
      });
    case 'malformed':
      if (outcome.status >= 500) {
        return new PresenceError('TRANSIENT', `${platform} answered ${outcome.status} with a broken body`, {
          platform,
          status: outcome.status,
          retryAfterMs: parseRetryAfterMs(outcome.headers, nowMs),
        });
      }
      return new PresenceError('PROTOCOL', `${platform} answered ${outcome.status} with malformed JSON`, {
        platform,
        status: outcome.status,
      });
    case 'response':
      return mapStatus(platform, outcome.status, outcome.headers, nowMs);
  }
}

function mapStatus(platform: Platform, status: number, headers: Headers, nowMs: number): PresenceError | null {
  if (status >= 200 && status < 300) return null;
  const options = { platform, status };
  if (status === 401) return new PresenceError('AUTH_INVALID', `${platform} rejected the credentials (401)`, options);
  if (status === 403) return new PresenceError('PERMISSION_DENIED', `${platform} denied access (403)`, options);
  if (status === 404) return new PresenceError('NOT_FOUND', `${platform} does not know this resource (404)`, options);
  if (status === 429) {
    return new PresenceError('RATE_LIMITED', `${platform} rate limit hit (429)`, {
      ...options,
      retryAfterMs: parseRetryAfterMs(headers, nowMs),
    });
  }
  if (status === 408 || status >= 500) {
    return new PresenceError('TRANSIENT', `${platform} answered ${status}`, {
      ...options,
      retryAfterMs: status === 503 ? parseRetryAfterMs(headers, nowMs) : undefined,
    });
  }
  return new PresenceError('PROTOCOL', `${platform} answered an unexpected ${status}`, options);
}

/** A short, secret-free description of a fetch failure (undici hides the errno in `cause`). */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as Error & { cause?: unknown }).cause;
    const code = inner && typeof inner === 'object' && 'code' in inner ? String((inner as { code: unknown }).code) : undefined;
    return code ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}
