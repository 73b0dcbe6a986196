import { randomBytes } from 'node:crypto';
import { signMeta } from '@amo/presence-adapter-kit';
import type { Clock } from '@amo/presence-core';
import {
  type InboundMessageSpec,
  type StatusSpec,
  type WhatsAppBusinessNumber,
  whatsappMessagePayload,
  whatsappStatusPayload,
} from './whatsapp.payloads';

/**
 * How a POST is signed: `valid` (X-Hub-Signature-256 with the app secret), `wrong-secret` (well formed, other
 * key), `tampered` (signed, then the body changed in transit) or `none` (no header).
 */
export type SignatureMode = 'valid' | 'wrong-secret' | 'tampered' | 'none';

export interface WebhookDelivery {
  status: number;
  text: string;
  signature: SignatureMode;
}

export interface VerificationResult {
  status: number;
  text: string;
  /** True when the service echoed the challenge with 200, which is all Meta checks. */
  accepted: boolean;
}

export interface WhatsAppWebhookSenderOptions {
  appSecret: string;
  verifyToken: string;
  number: WhatsAppBusinessNumber;
  clock: Clock;
  fetch?: typeof fetch;
}

/** Calls a service's webhook URL the way Meta does. */
export class WhatsAppWebhookSender {
  readonly deliveries: Array<WebhookDelivery & { url: string }> = [];

  constructor(private readonly options: WhatsAppWebhookSenderOptions) {}

  /** The subscription handshake: GET `?hub.mode=subscribe&hub.challenge=...&hub.verify_token=...`. */
  async verify(url: string, o: { verifyToken?: string; challenge?: string; mode?: string } = {}): Promise<VerificationResult> {
    const challenge = o.challenge ?? String(randomBytes(4).readUInt32BE());
    const target = new URL(url);
    target.searchParams.set('hub.mode', o.mode ?? 'subscribe');
    target.searchParams.set('hub.challenge', challenge);
    target.searchParams.set('hub.verify_token', o.verifyToken ?? this.options.verifyToken);
    const response = await this.fetch(target.toString(), { method: 'GET' });
    const text = await response.text();
    return { status: response.status, text, accepted: response.status === 200 && text === challenge };
  }

  /** POSTs one body (an object is serialized once; a string is sent byte for byte) with the chosen signature. */
  async deliver(url: string, payload: unknown, signature: SignatureMode = 'valid'): Promise<WebhookDelivery> {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua' };
    let sent = body;
    if (signature === 'valid' || signature === 'tampered') headers['x-hub-signature-256'] = signMeta(this.options.appSecret, body);
    if (signature === 'wrong-secret') headers['x-hub-signature-256'] = signMeta(`${this.options.appSecret}-not`, body);
    if (signature === 'tampered') sent = body.replace(/"timestamp":"(\d+)"/, (_m, ts: string) => `"timestamp":"${Number(ts) + 3600}"`);
    const response = await this.fetch(url, { method: 'POST', headers, body: sent });
    const delivery = { status: response.status, text: await response.text(), signature };
    this.deliveries.push({ ...delivery, url });
    return delivery;
  }

  /** An inbound message from `spec.from` (default time: now on the emulator's clock). */
  message(url: string, spec: Omit<InboundMessageSpec, 'at'> & { at?: Date | number }, signature?: SignatureMode): Promise<WebhookDelivery> {
    return this.deliver(url, this.messagePayload(spec), signature);
  }

  /** A status (`delivered`, `read`, ...) of a message the business sent to `spec.recipientId`. */
  status(url: string, spec: Omit<StatusSpec, 'at'> & { at?: Date | number }, signature?: SignatureMode): Promise<WebhookDelivery> {
    return this.deliver(url, this.statusPayload(spec), signature);
  }

  messagePayload(spec: Omit<InboundMessageSpec, 'at'> & { at?: Date | number }): Record<string, unknown> {
    return whatsappMessagePayload(this.options.number, { ...spec, at: spec.at ?? new Date(this.options.clock.now()) });
  }

  statusPayload(spec: Omit<StatusSpec, 'at'> & { at?: Date | number }): Record<string, unknown> {
    return whatsappStatusPayload(this.options.number, { ...spec, at: spec.at ?? new Date(this.options.clock.now()) });
  }

  /** The same body delivered `times` times, as Meta does when an answer was slow or lost. */
  async duplicate(url: string, payload: unknown, times = 2): Promise<WebhookDelivery[]> {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const out: WebhookDelivery[] = [];
    for (let i = 0; i < times; i++) out.push(await this.deliver(url, body));
    return out;
  }

  /** Bodies given in event order, delivered newest first (a retried older delivery arriving late). */
  async outOfOrder(url: string, payloads: readonly unknown[]): Promise<WebhookDelivery[]> {
    const out: WebhookDelivery[] = [];
    for (const payload of [...payloads].reverse()) out.push(await this.deliver(url, payload));
    return out;
  }

  private fetch(url: string, init: RequestInit): Promise<Response> {
    return (this.options.fetch ?? globalThis.fetch)(url, init);
  }
}
