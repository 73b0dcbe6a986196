import { createHash } from 'node:crypto';
import type { Platform, WebhookDelivery, WebhookReply } from '@amo/presence-core';

/** What {@link DeliveryLedger.claim} found out about one delivery. */
export type DeliveryClaim =
  /** Nobody handled it yet: this caller does, then settles or releases the claim. */
  | { first: true }
  /** Already applied: `reply` is what the first handler answered; undefined while it is still being handled. */
  | { first: false; reply?: WebhookReply };

/**
 * "Was this delivery applied already?", asked before a webhook reaches its adapter, so that a delivery the platform
 * retried (to this process or to another behind the same load balancer) is applied once. A single process needs
 * no ledger: the adapters' recency ledgers and core's ordering by `observedAt` already make a repeat change
 * nothing there. Processes that share nothing but a store share a ledger (the service's is on Redis); the
 * adapters stay as they are.
 */
export interface DeliveryLedger {
  claim(key: string): Promise<DeliveryClaim>;
  /** Keeps the first handler's reply for the repeats (until the claim expires). */
  settle(key: string, reply: WebhookReply): Promise<void>;
  /** The delivery was not applied (refused, or the handler threw): a retry must be handled afresh. */
  release(key: string): Promise<void>;
}

/** The answer to a repeat that arrives while the first is still being handled: retry later (and get the first's reply). */
export const DELIVERY_IN_PROGRESS: WebhookReply = {
  status: 503,
  body: { error: 'this delivery is being handled; retry later' },
  contentType: 'application/json',
};

/**
 * A delivery's identity across retries: the platform and the SHA-256 of the body, which a platform's retry repeats
 * byte for byte (its signature and timestamp headers may change). Undefined when the body identifies nothing: GET
 * handshakes, empty bodies (Graph's validation POST), and routes whose different deliveries may read alike (pass
 * `bodyIdentifiesDelivery: false`, as Graph's basic notifications: two changes of one person are the same bytes).
 */
export function deliveryKey(platform: Platform, delivery: WebhookDelivery, bodyIdentifiesDelivery = true): string | undefined {
  if (!bodyIdentifiesDelivery || delivery.method !== 'POST' || delivery.rawBody.length === 0) return undefined;
  return `${platform}:${createHash('sha256').update(delivery.rawBody).digest('base64url')}`;
}

/**
 * Runs `handle` (the adapter's verify-and-apply) for the first arrival of a delivery only. A repeat gets the
 * first's reply, or {@link DELIVERY_IN_PROGRESS} while the first is under way. A refusal (status 300 or more) or a
 * throw releases the claim, so a forged body cannot block the genuine delivery and a failed one is retried in
 * full. A ledger that cannot answer (its store is down) stops nothing: the delivery is handled as a single
 * process would handle it. Without a key (see {@link deliveryKey}) `handle` just runs.
 */
export async function handleOnce(ledger: DeliveryLedger, key: string | undefined, handle: () => WebhookReply): Promise<WebhookReply> {
  if (key === undefined) return handle();
  let claim: DeliveryClaim;
  try {
    claim = await ledger.claim(key);
  } catch {
    return handle();
  }
  if (!claim.first) return claim.reply ?? DELIVERY_IN_PROGRESS;
  let reply: WebhookReply;
  try {
    reply = handle();
  } catch (error) {
    await ledger.release(key).catch(() => undefined);
    throw error;
  }
  await (reply.status >= 300 ? ledger.release(key) : ledger.settle(key, reply)).catch(() => undefined);
  return reply;
}
