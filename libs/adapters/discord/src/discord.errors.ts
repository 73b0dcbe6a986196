import { PresenceError } from '@amo/presence-core';
import { baseHttpError, type HttpOutcome } from '@amo/presence-adapter-kit';
import { closeRule } from './gateway/gateway.protocol';

/** Discord's REST error body; 429s add `retry_after` in (fractional) seconds and `global`. */
interface DiscordErrorBody {
  message?: unknown;
  code?: unknown;
  retry_after?: unknown;
  global?: unknown;
}

/**
 * Discord's REST outcome -> PresenceError, pure: null for success. The kit's mapping decides the code; a 429's
 * body `retry_after` (more precise than the header) sets retryAfterMs, and Discord's message is kept.
 *
 * @param nowMs the time a Retry-After HTTP-date is measured from.
 */
export function parseDiscordError(outcome: HttpOutcome, nowMs: number = Date.now()): PresenceError | null {
  const base = baseHttpError('discord', outcome, nowMs);
  if (base === null || outcome.kind !== 'response') return base;
  const body = (outcome.body ?? {}) as DiscordErrorBody;
  const detail = typeof body.message === 'string' ? `: ${body.message}` : '';
  let retryAfterMs = base.retryAfterMs;
  if (base.code === 'RATE_LIMITED' && typeof body.retry_after === 'number' && body.retry_after >= 0) {
    retryAfterMs = Math.ceil(body.retry_after * 1000);
  }
  const scope = base.code === 'RATE_LIMITED' && body.global === true ? ' (global)' : '';
  return new PresenceError(base.code, `${base.message}${scope}${detail}`, {
    platform: 'discord',
    status: base.status,
    retryAfterMs,
  });
}

/**
 * A gateway close code -> the PresenceError the service is told, or null when the code is one the adapter
 * recovers from by itself (resume or re-identify).
 */
export function parseDiscordCloseCode(code: number): PresenceError | null {
  const rule = closeRule(code);
  if (rule.action !== 'fatal') return null;
  return new PresenceError(rule.error ?? 'PROTOCOL', `Discord gateway closed ${code}: ${rule.reason}`, {
    platform: 'discord',
    status: code,
  });
}
