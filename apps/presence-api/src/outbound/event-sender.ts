import { parseRetryAfterMs, performRequest } from '@amo/presence-adapter-kit';
import type { OutboundEvent } from '@amo/presence-store';
import { signedHeaders } from './event-signature';

/** One attempt's result: delivered, or failed with a reason (and the receiver's Retry-After, when it gave one). */
export type AttemptResult = { ok: true } | { ok: false; error: string; retryAfterMs?: number };

export interface EventSenderOptions {
  url: string;
  secret: string;
  /** A receiver that has not answered within this has failed the attempt. */
  timeoutMs: number;
  now: () => number;
  fetch?: typeof fetch;
}

/**
 * POSTs one event, signed for this attempt, through the kit's transport (its bounded timeout covers the
 * body too, so a receiver that answers headers and then stalls still fails). Any 2xx is delivered; anything
 * else, a timeout or a network error is a failed attempt. Throws only when `signal` aborted (shutdown, erasure).
 */
export function eventSender(options: EventSenderOptions): (event: OutboundEvent, signal: AbortSignal) => Promise<AttemptResult> {
  return async (event, signal) => {
    const outcome = await performRequest(
      options.fetch ?? fetch,
      { url: options.url, method: 'POST', headers: signedHeaders(options.secret, event.body, options.now()), body: event.body },
      options.timeoutMs,
      signal,
    );
    switch (outcome.kind) {
      case 'timeout':
        return { ok: false, error: `no answer within ${outcome.timeoutMs} ms` };
      case 'network':
        return { ok: false, error: `network error: ${(outcome.cause as Error)?.message ?? String(outcome.cause)}` };
      default:
        // The receiver's body means nothing here (a 2xx with a broken JSON body is still delivered).
        if (outcome.status >= 200 && outcome.status < 300) return { ok: true };
        return { ok: false, error: `HTTP ${outcome.status}`, retryAfterMs: parseRetryAfterMs(outcome.headers, options.now()) };
    }
  };
}
