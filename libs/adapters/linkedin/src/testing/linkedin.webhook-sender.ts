import { randomUUID } from 'node:crypto';
import { linkedinChallengeResponse } from '@amo/presence-adapter-kit';
import { SignedWebhookSender, type SignatureMode, type WebhookDelivery } from '@amo/presence-adapter-kit/testing';
import type { Clock } from '@amo/presence-core';
import { signLinkedIn } from '../linkedin.webhook';
import { linkedinNotificationBatch, linkedinSocialActionNotification, type SocialActionSpec } from './linkedin.payloads';

/** The kit's signature modes; `valid` is X-LI-Signature as we read LinkedIn's docs. */
export type LinkedInSignatureMode = SignatureMode;

export type LinkedInDelivery = WebhookDelivery;

export interface ChallengeResult {
  status: number;
  body: unknown;
  /** What LinkedIn checks: 200, JSON, the same challengeCode, and the right HMAC. */
  passed: boolean;
}

/**
 * Calls a service's webhook URL the way LinkedIn does: challenge validation GETs and signed notification POSTs
 * (`deliver`, `duplicate` for LinkedIn's redeliveries every 5 minutes for 8 hours, `outOfOrder`: the kit's).
 */
export class LinkedInWebhookSender extends SignedWebhookSender {
  constructor(private readonly o: { clientSecret: string; clock: Clock; fetch?: typeof fetch }) {
    super({
      secret: o.clientSecret,
      signatureHeader: 'x-li-signature',
      sign: signLinkedIn,
      // Moves the first lastModifiedAt an hour on: still valid JSON, no longer the signed bytes.
      tamper: (body) => body.replace(/"lastModifiedAt":(\d+)/, (_m, ms: string) => `"lastModifiedAt":${Number(ms) + 3_600_000}`),
      fetch: o.fetch,
    });
  }

  /** GET `?challengeCode=<uuid>` (LinkedIn repeats this every 2 hours; 3 failures block the endpoint). */
  async validate(url: string, challengeCode: string = randomUUID()): Promise<ChallengeResult> {
    const target = new URL(url);
    target.searchParams.set('challengeCode', challengeCode);
    const response = await this.send(target.toString(), { method: 'GET' });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: the check fails below.
    }
    const answer = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const passed =
      response.status === 200 &&
      (response.headers.get('content-type') ?? '').includes('application/json') &&
      answer['challengeCode'] === challengeCode &&
      answer['challengeResponse'] === linkedinChallengeResponse(challengeCode, this.o.clientSecret);
    return { status: response.status, body, passed };
  }

  /** One batch of social actions (default time: now on the emulator's clock). */
  actions(url: string, specs: ReadonlyArray<Omit<SocialActionSpec, 'at'> & { at?: Date | number }>, signature?: LinkedInSignatureMode): Promise<LinkedInDelivery> {
    return this.deliver(url, this.batch(specs), signature);
  }

  batch(specs: ReadonlyArray<Omit<SocialActionSpec, 'at'> & { at?: Date | number }>): Record<string, unknown> {
    return linkedinNotificationBatch(specs.map((spec) => linkedinSocialActionNotification({ ...spec, at: spec.at ?? this.o.clock.now() })));
  }
}
