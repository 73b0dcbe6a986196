import { randomUUID } from 'node:crypto';
import { linkedinChallengeResponse } from '@amo/presence-adapter-kit';
import type { Clock } from '@amo/presence-core';
import { signLinkedIn } from '../linkedin.webhook';
import { linkedinNotificationBatch, linkedinSocialActionNotification, type SocialActionSpec } from './linkedin.payloads';

/** `valid`: X-LI-Signature as we read LinkedIn's docs; `wrong-secret`; `tampered` (body changed after signing); `none`. */
export type LinkedInSignatureMode = 'valid' | 'wrong-secret' | 'tampered' | 'none';

export interface LinkedInDelivery {
  status: number;
  text: string;
  signature: LinkedInSignatureMode;
}

export interface ChallengeResult {
  status: number;
  body: unknown;
  /** What LinkedIn checks: 200, JSON, the same challengeCode, and the right HMAC. */
  passed: boolean;
}

/** Calls a service's webhook URL the way LinkedIn does: challenge validation GETs and signed notification POSTs. */
export class LinkedInWebhookSender {
  readonly deliveries: Array<LinkedInDelivery & { url: string }> = [];

  constructor(private readonly o: { clientSecret: string; clock: Clock; fetch?: typeof fetch }) {}

  /** GET `?challengeCode=<uuid>` (LinkedIn repeats this every 2 hours; 3 failures block the endpoint). */
  async validate(url: string, challengeCode: string = randomUUID()): Promise<ChallengeResult> {
    const target = new URL(url);
    target.searchParams.set('challengeCode', challengeCode);
    const response = await this.fetch(target.toString(), { method: 'GET' });
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

  /** POSTs a body (objects serialized once; strings sent byte for byte) with the chosen signature. */
  async deliver(url: string, payload: unknown, signature: LinkedInSignatureMode = 'valid'): Promise<LinkedInDelivery> {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    let sent = body;
    if (signature === 'valid' || signature === 'tampered') headers['x-li-signature'] = signLinkedIn(this.o.clientSecret, body);
    if (signature === 'wrong-secret') headers['x-li-signature'] = signLinkedIn(`${this.o.clientSecret}-not`, body);
    if (signature === 'tampered') sent = body.replace(/"lastModifiedAt":(\d+)/, (_m, ms: string) => `"lastModifiedAt":${Number(ms) + 3_600_000}`);
    const response = await this.fetch(url, { method: 'POST', headers, body: sent });
    const delivery = { status: response.status, text: await response.text(), signature };
    this.deliveries.push({ ...delivery, url });
    return delivery;
  }

  /** One batch of social actions (default time: now on the emulator's clock). */
  actions(url: string, specs: ReadonlyArray<Omit<SocialActionSpec, 'at'> & { at?: Date | number }>, signature?: LinkedInSignatureMode): Promise<LinkedInDelivery> {
    return this.deliver(url, this.batch(specs), signature);
  }

  batch(specs: ReadonlyArray<Omit<SocialActionSpec, 'at'> & { at?: Date | number }>): Record<string, unknown> {
    return linkedinNotificationBatch(specs.map((spec) => linkedinSocialActionNotification({ ...spec, at: spec.at ?? this.o.clock.now() })));
  }

  /** LinkedIn redelivers every 5 minutes for 8 hours when not acknowledged: the same body again. */
  async duplicate(url: string, payload: unknown, times = 2): Promise<LinkedInDelivery[]> {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const out: LinkedInDelivery[] = [];
    for (let i = 0; i < times; i++) out.push(await this.deliver(url, body));
    return out;
  }

  /** Bodies given in event order, delivered newest first. */
  async outOfOrder(url: string, payloads: readonly unknown[]): Promise<LinkedInDelivery[]> {
    const out: LinkedInDelivery[] = [];
    for (const payload of [...payloads].reverse()) out.push(await this.deliver(url, payload));
    return out;
  }

  private fetch(url: string, init: RequestInit): Promise<Response> {
    return (this.o.fetch ?? globalThis.fetch)(url, init);
  }
}
