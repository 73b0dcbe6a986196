import { randomBytes } from 'node:crypto';
import { signMeta } from '@amo/presence-adapter-kit';
import { SignedWebhookSender, type SignatureMode, type WebhookDelivery } from '@amo/presence-adapter-kit/testing';
import type { Clock } from '@amo/presence-core';
import {
  type InboundMessageSpec,
  type StatusSpec,
  type WhatsAppBusinessNumber,
  whatsappMessagePayload,
  whatsappStatusPayload,
} from './whatsapp.payloads';

/** How a POST is signed (the kit's modes; `valid` is X-Hub-Signature-256 with the app secret). */
export type { SignatureMode, WebhookDelivery };

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

/** Calls a service's webhook URL the way Meta does (`deliver`, `duplicate`, `outOfOrder` are the kit's). */
export class WhatsAppWebhookSender extends SignedWebhookSender {
  constructor(private readonly options: WhatsAppWebhookSenderOptions) {
    super({
      secret: options.appSecret,
      signatureHeader: 'x-hub-signature-256',
      sign: signMeta,
      // Moves the first timestamp an hour on: still valid JSON, no longer the signed bytes.
      tamper: (body) => body.replace(/"timestamp":"(\d+)"/, (_m, ts: string) => `"timestamp":"${Number(ts) + 3600}"`),
      headers: { 'user-agent': 'facebookexternalua' },
      fetch: options.fetch,
    });
  }

  /** The subscription handshake: GET `?hub.mode=subscribe&hub.challenge=...&hub.verify_token=...`. */
  async verify(url: string, o: { verifyToken?: string; challenge?: string; mode?: string } = {}): Promise<VerificationResult> {
    const challenge = o.challenge ?? String(randomBytes(4).readUInt32BE());
    const target = new URL(url);
    target.searchParams.set('hub.mode', o.mode ?? 'subscribe');
    target.searchParams.set('hub.challenge', challenge);
    target.searchParams.set('hub.verify_token', o.verifyToken ?? this.options.verifyToken);
    const response = await this.send(target.toString(), { method: 'GET' });
    const text = await response.text();
    return { status: response.status, text, accepted: response.status === 200 && text === challenge };
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
}
