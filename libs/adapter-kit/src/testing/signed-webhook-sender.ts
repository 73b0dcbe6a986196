/**
 * How a POST is signed: `valid` (the platform's signature header, right secret), `wrong-secret` (well formed, another
 * key), `tampered` (signed, then the body changed in transit) or `none` (no signature header).
 */
export type SignatureMode = 'valid' | 'wrong-secret' | 'tampered' | 'none';

/** What the receiver answered to one POST. */
export interface WebhookDelivery {
  status: number;
  text: string;
  signature: SignatureMode;
}

export interface SignedWebhookSenderOptions {
  /** The key the platform signs with (an app secret, a client secret). */
  secret: string;
  /** The signature header's name (`x-hub-signature-256`). */
  signatureHeader: string;
  /** The header's value for `body` under `secret`, as the platform computes it. */
  sign(secret: string, body: string): string;
  /** The body as changed in transit after signing (for `tampered`): it must still parse. */
  tamper(body: string): string;
  /** Sent with every POST besides `content-type: application/json` (a platform's user agent). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/**
 * The sending side of a platform's signed JSON webhooks, for emulators: POSTs a body signed (or deliberately not),
 * the same body again as a platform's redelivery does, or several bodies newest first, and keeps every answer.
 * Platform senders extend it with their handshakes and payload builders.
 */
export class SignedWebhookSender {
  readonly deliveries: Array<WebhookDelivery & { url: string }> = [];
  /** How many of the newest answers `deliveries` keeps (every one by default; a long-running emulator bounds it). */
  deliveryLogLimit = Number.POSITIVE_INFINITY;

  constructor(private readonly signing: SignedWebhookSenderOptions) {}

  /** POSTs one body (an object is serialized once; a string is sent byte for byte) with the chosen signature. */
  async deliver(url: string, payload: unknown, signature: SignatureMode = 'valid'): Promise<WebhookDelivery> {
    const { secret, signatureHeader, sign, tamper } = this.signing;
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...this.signing.headers };
    if (signature === 'valid' || signature === 'tampered') headers[signatureHeader] = sign(secret, body);
    if (signature === 'wrong-secret') headers[signatureHeader] = sign(`${secret}-not`, body);
    const sent = signature === 'tampered' ? tamper(body) : body;
    const response = await this.send(url, { method: 'POST', headers, body: sent });
    const delivery = { status: response.status, text: await response.text(), signature };
    this.deliveries.push({ ...delivery, url });
    if (this.deliveries.length > this.deliveryLogLimit) this.deliveries.splice(0, this.deliveries.length - this.deliveryLogLimit);
    return delivery;
  }

  /** The same body delivered `times` times, as a platform does when an answer was slow or lost. */
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

  /** Any other request to the receiver (a platform's GET handshake), through the same fetch. */
  protected send(url: string, init: RequestInit): Promise<Response> {
    return (this.signing.fetch ?? globalThis.fetch)(url, init);
  }
}
