import { randomBytes } from 'node:crypto';
import type { Clock } from '@amo/presence-core';
import { signZoom, zoomUrlValidationResponse } from '@amo/presence-adapter-kit';

/** A webhook delivery ready to send or to hand to `handleZoomWebhook` directly. */
export interface ZoomSignedDelivery {
  headers: Record<string, string>;
  rawBody: string;
}

export interface ZoomSignOptions {
  /** Sign with a wrong secret (an impostor, or a rotated token). */
  misSign?: boolean;
  /** Send this `x-zm-request-timestamp` (epoch seconds) instead of now: a replay or a skewed clock. */
  timestampSec?: number;
  /** Leave the signature headers out entirely. */
  unsigned?: boolean;
}

export interface ZoomPresenceChange {
  userId: string;
  status: string;
  email?: string;
  /** When the status changed (default: now on the sender's clock). */
  dateTime?: Date;
}

/** What the receiver answered. */
export interface ZoomWebhookAnswer {
  status: number;
  text: string;
  json?: unknown;
}

/** Zoom's side of webhooks: signs events like Zoom does, posts them, and runs the URL validation handshake. */
export class ZoomWebhookSender {
  constructor(
    private readonly secretToken: string,
    private readonly accountId: string,
    private readonly clock: Clock = { now: () => Date.now() },
  ) {}

  /** `user.presence_status_updated` with the payload shape of Zoom's own SDK types. */
  presenceEvent(change: ZoomPresenceChange): Record<string, unknown> {
    const now = this.clock.now();
    return {
      event: 'user.presence_status_updated',
      event_ts: now,
      payload: {
        account_id: this.accountId,
        object: {
          id: change.userId,
          ...(change.email !== undefined ? { email: change.email } : {}),
          presence_status: change.status,
          date_time: (change.dateTime ?? new Date(now)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
      },
    };
  }

  /** Serialises and signs an event: `x-zm-signature: v0=hex(HMAC(secret, "v0:{ts}:{body}"))`. */
  sign(event: unknown, options: ZoomSignOptions = {}): ZoomSignedDelivery {
    const rawBody = JSON.stringify(event);
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Zoom Marketplace/1.0a',
      'x-zm-trackingid': `emu_${randomBytes(8).toString('hex')}`,
    };
    if (options.unsigned) return { headers, rawBody };
    const timestamp = String(options.timestampSec ?? Math.floor(this.clock.now() / 1000));
    const secret = options.misSign ? `${this.secretToken}-not` : this.secretToken;
    headers['x-zm-request-timestamp'] = timestamp;
    headers['x-zm-signature'] = signZoom(secret, timestamp, rawBody);
    return { headers, rawBody };
  }

  /** Posts a signed (or deliberately mis-signed) presence event to `url`. */
  sendPresence(url: string, change: ZoomPresenceChange, options: ZoomSignOptions = {}): Promise<ZoomWebhookAnswer> {
    return this.post(url, this.sign(this.presenceEvent(change), options));
  }

  /** Posts any event body, signed like Zoom would. */
  sendEvent(url: string, event: unknown, options: ZoomSignOptions = {}): Promise<ZoomWebhookAnswer> {
    return this.post(url, this.sign(event, options));
  }

  /**
   * Zoom's endpoint URL validation: posts a signed `endpoint.url_validation` with a fresh plainToken and checks
   * the answer is 200 with `encryptedToken = hex(HMAC(secretToken, plainToken))`, as Zoom does before it
   * enables an endpoint (and every 72 hours after).
   */
  async validateUrl(url: string, options: ZoomSignOptions = {}): Promise<ZoomWebhookAnswer & { ok: boolean }> {
    const plainToken = randomBytes(16).toString('base64url');
    const event = { event: 'endpoint.url_validation', event_ts: this.clock.now(), payload: { plainToken } };
    const answer = await this.post(url, this.sign(event, options));
    const expected = zoomUrlValidationResponse(plainToken, this.secretToken);
    const body = answer.json as { plainToken?: unknown; encryptedToken?: unknown } | undefined;
    const ok =
      answer.status === 200 && body?.plainToken === expected.plainToken && body?.encryptedToken === expected.encryptedToken;
    return { ...answer, ok };
  }

  private async post(url: string, delivery: ZoomSignedDelivery): Promise<ZoomWebhookAnswer> {
    const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.rawBody });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json };
  }
}
