import type { DeliveryClaim, DeliveryLedger } from '@amo/presence-adapter-kit';
import type { WebhookReply } from '@amo/presence-core';
import { OneTimeStore, type RedisLink } from '@amo/presence-cluster';

/**
 * How long a claim waits for its handler: an adapter's webhook handler answers in milliseconds, so a claim still
 * pending after this belongs to an instance that died mid-delivery, and the platform's next retry is handled.
 */
export const PENDING_CLAIM_TTL_MS = 30_000;

/**
 * How long a handled delivery is remembered: longer than platforms' first retries (Slack: at once, after 1 and
 * 5 minutes; Zoom and Meta within minutes). A retry after it is handled again, which changes nothing: the record
 * it carries is no newer than the one every instance already holds.
 */
export const SETTLED_CLAIM_TTL_MS = 10 * 60_000;

const PENDING = 'pending';

/** A reply as stored with its claim (a Buffer body as base64). */
interface StoredReply {
  status: number;
  contentType?: string;
  body?: unknown;
  base64?: string;
}

/**
 * The cluster's delivery ledger: `<prefix>webhook-delivery:<platform>:<sha256 of the body>` holds `pending` while
 * the first instance handles the delivery, then the reply it gave (no person data: acknowledgements and handshake
 * echoes). Claims are SET NX PX, so of two instances that receive one delivery at once, one applies it.
 */
export class RedisDeliveryLedger implements DeliveryLedger {
  private readonly claims: OneTimeStore;

  constructor(
    private readonly link: RedisLink,
    private readonly ttl = { pendingMs: PENDING_CLAIM_TTL_MS, settledMs: SETTLED_CLAIM_TTL_MS },
  ) {
    this.claims = new OneTimeStore(link, 'webhook-delivery');
  }

  async claim(key: string): Promise<DeliveryClaim> {
    // While Redis is down the claim fails at once, and the kit's handleOnce applies the delivery as one process would.
    if (!this.link.status().up) throw new Error('Redis is down');
    if (await this.claims.claimOnce(key, this.ttl.pendingMs, PENDING)) return { first: true };
    const held = await this.claims.peek(key);
    // Gone between the two calls (released, or expired): the delivery is being retried by its handler's refusal.
    if (held === undefined || held === PENDING) return { first: false };
    return { first: false, reply: decodeReply(held) };
  }

  async settle(key: string, reply: WebhookReply): Promise<void> {
    await this.claims.settle(key, encodeReply(reply), this.ttl.settledMs);
  }

  async release(key: string): Promise<void> {
    await this.claims.release(key);
  }
}

function encodeReply(reply: WebhookReply): string {
  const stored: StoredReply = { status: reply.status, contentType: reply.contentType };
  if (Buffer.isBuffer(reply.body)) stored.base64 = reply.body.toString('base64');
  else stored.body = reply.body;
  return JSON.stringify(stored);
}

function decodeReply(text: string): WebhookReply {
  const stored = JSON.parse(text) as StoredReply;
  return { status: stored.status, contentType: stored.contentType, body: stored.base64 === undefined ? stored.body : Buffer.from(stored.base64, 'base64') };
}
