import { PresenceError, type Platform } from '@amo/presence-core';
import { parseRetryAfterMs, type HttpOutcome } from '../http/http-outcome';
import { performRequest } from '../http/http-transport';
import { timersOf, type TimerClock } from '../http/timers';
import type { TokenSet } from './token-provider';

/** How to reach and authenticate to an RFC 6749 token endpoint. */
export interface TokenEndpointOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  /** 'basic' = HTTP Basic (RFC 6749 2.3.1; Zoom), 'body' = client_id/client_secret form fields (Microsoft, Slack). */
  clientAuth?: 'basic' | 'body';
  /** Where the grant parameters go; Zoom accepts them in the query. Default 'body'. */
  paramsIn?: 'body' | 'query';
  platform: Platform;
  clock?: TimerClock;
  fetch?: typeof fetch;
  /** Default 10 000 ms. */
  timeoutMs?: number;
}

const neverAborted = new AbortController().signal;
const AUTH_ERRORS = new Set(['invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type']);

/** Posts one grant to the token endpoint and normalizes the answer; every failure is a PresenceError. */
export async function requestToken(o: TokenEndpointOptions, params: Record<string, string>): Promise<TokenSet> {
  const timers = timersOf(o.clock);
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  };
  const form = new URLSearchParams();
  const url = new URL(o.tokenUrl);
  const grant = o.paramsIn === 'query' ? url.searchParams : form;
  for (const [key, value] of Object.entries(params)) grant.set(key, value);
  if (o.clientAuth === 'basic' && o.clientSecret !== undefined) {
    headers['authorization'] = 'Basic ' + Buffer.from(`${formEncode(o.clientId)}:${formEncode(o.clientSecret)}`).toString('base64');
  } else {
    form.set('client_id', o.clientId);
    if (o.clientSecret !== undefined) form.set('client_secret', o.clientSecret);
  }
  const fetchFn = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const outcome = await performRequest(
    fetchFn,
    { url: url.toString(), method: 'POST', headers, body: form.toString() },
    o.timeoutMs ?? 10_000,
    neverAborted,
  );
  const now = timers.now();
  const failure = tokenEndpointError(o.platform, outcome, now);
  if (failure) throw failure;
  return toTokenSet((outcome as { body: Record<string, unknown> }).body, now);
}

/**
 * Maps a token endpoint's answer: RFC 6749 5.2 errors invalid_client / invalid_grant / unauthorized_client /
 * unsupported_grant_type -> AUTH_INVALID, invalid_scope and 403 -> PERMISSION_DENIED, 429 -> RATE_LIMITED,
 * 5xx / timeout / network -> TRANSIENT, anything unreadable -> PROTOCOL. Slack's 200 `ok: false` is an auth failure.
 */
export function tokenEndpointError(platform: Platform, outcome: HttpOutcome, nowMs: number): PresenceError | null {
  if (outcome.kind === 'timeout' || outcome.kind === 'network') {
    return new PresenceError('TRANSIENT', `${platform} token endpoint unreachable (${outcome.kind})`, {
      platform,
      cause: outcome.kind === 'network' ? outcome.cause : undefined,
    });
  }
  const { status } = outcome;
  const options = { platform, status };
  if (outcome.kind === 'malformed') {
    const code = status >= 500 ? 'TRANSIENT' : 'PROTOCOL';
    return new PresenceError(code, `${platform} token endpoint answered ${status} with malformed JSON`, options);
  }
  const body = (typeof outcome.body === 'object' && outcome.body !== null ? outcome.body : {}) as Record<string, unknown>;
  const error = typeof body['error'] === 'string' ? body['error'] : undefined;
  const description = typeof body['error_description'] === 'string' ? `: ${body['error_description']}` : '';
  const what = `${platform} token endpoint: ${error ?? `HTTP ${status}`}${description}`;
  if (status === 429 || error === 'ratelimited') {
    return new PresenceError('RATE_LIMITED', what, { ...options, retryAfterMs: parseRetryAfterMs(outcome.headers, nowMs) });
  }
  if (status >= 500 || status === 408) {
    return new PresenceError('TRANSIENT', what, { ...options, retryAfterMs: parseRetryAfterMs(outcome.headers, nowMs) });
  }
  if (status >= 200 && status < 300) {
    if (body['ok'] === false) return new PresenceError('AUTH_INVALID', what, options);
    if (typeof body['access_token'] !== 'string') {
      return new PresenceError('PROTOCOL', `${platform} token endpoint answered without an access_token`, options);
    }
    return null;
  }
  if (error === 'invalid_scope' || status === 403) return new PresenceError('PERMISSION_DENIED', what, options);
  if ((error && AUTH_ERRORS.has(error)) || status === 401) return new PresenceError('AUTH_INVALID', what, options);
  return new PresenceError('PROTOCOL', what, options);
}

/** Normalizes a successful token response (RFC 6749 5.1); `expires_in` may arrive as a number or a numeric string. */
export function toTokenSet(body: Record<string, unknown>, nowMs: number): TokenSet {
  const expiresIn = Number(body['expires_in']);
  return {
    accessToken: String(body['access_token']),
    ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresAt: nowMs + expiresIn * 1000 } : {}),
    ...(typeof body['refresh_token'] === 'string' ? { refreshToken: body['refresh_token'] } : {}),
    ...(typeof body['scope'] === 'string' ? { scope: body['scope'] } : {}),
    ...(typeof body['token_type'] === 'string' ? { tokenType: body['token_type'] } : {}),
    raw: { ...body },
  };
}

/** application/x-www-form-urlencoded, as RFC 6749 2.3.1 asks for the Basic credentials. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
