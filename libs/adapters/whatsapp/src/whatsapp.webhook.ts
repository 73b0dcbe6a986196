import { metaVerificationChallenge, readSignedJsonPost, recencyRecords, verifyMetaSignature, type WebhookHeaders } from '@amo/presence-adapter-kit';
import { type Clock, DEFAULT_RECENCY_WINDOW_MS, type PlatformPresence } from '@amo/presence-core';
import { extractWhatsAppSignals, whatsappRecencySignal, type WhatsAppSignal } from './whatsapp.signals';

/** What the service's webhook controller hands over: the request exactly as received. */
export interface WhatsAppWebhookRequest {
  method: string;
  headers: WebhookHeaders;
  /** The body bytes as received: the signature covers them, so never a re-serialized object. */
  rawBody?: string | Buffer;
  query?: Readonly<Record<string, unknown>>;
}

export interface WhatsAppWebhookSecrets {
  appSecret?: string;
  verifyToken?: string;
}

export interface WhatsAppWebhookOptions {
  /** Last seen within this window reads as online (default 5 minutes); core re-derives it at read time. */
  recencyWindowMs?: number;
  /** Bodies larger than this are refused (413); Meta's deliveries are a few KB. */
  maxBodyBytes?: number;
}

/** Why a request was refused; the adapter counts each reason. */
export type WhatsAppWebhookRejection =
  | 'not-configured'
  | 'bad-verify-token'
  | 'unsigned'
  | 'bad-signature'
  | 'malformed'
  | 'too-large'
  | 'method';

export interface WhatsAppWebhookResult {
  status: number;
  body: unknown;
  contentType?: string;
  /** Strong signals only, one per person (the newest in this delivery), ready for `aggregator.ingest`. */
  records: PlatformPresence[];
  /** Every signal read, weak `delivered` ones included. */
  signals: WhatsAppSignal[];
  rejected?: WhatsAppWebhookRejection;
}

const DEFAULT_MAX_BODY_BYTES = 1_000_000;

function reject(status: number, rejected: WhatsAppWebhookRejection, message: string): WhatsAppWebhookResult {
  return { status, body: { error: message }, contentType: 'application/json', records: [], signals: [], rejected };
}

/**
 * Turns strong signals into records, one per person (the newest in the delivery). A person's lastSeen is the
 * signal's own time (clamped to now, so a skewed sender cannot make someone online in the future) and observedAt
 * equals it: core drops a record older than the one it holds, so a retried or late delivery of an older signal
 * never moves lastSeen backwards. `delivered` makes no record: it proves the phone was reachable, not that the
 * person looked, and a record without lastSeen would replace the one that has it.
 */
export function recordsFromSignals(signals: readonly WhatsAppSignal[], nowMs: number, windowMs = DEFAULT_RECENCY_WINDOW_MS): PlatformPresence[] {
  return recencyRecords('whatsapp', signals.map(whatsappRecencySignal), nowMs, windowMs);
}

/**
 * The pure webhook handler the service's controller calls. GET answers Meta's subscription check
 * (`hub.mode=subscribe` and the right `hub.verify_token` -> the `hub.challenge` as text, else 403). POST checks
 * `X-Hub-Signature-256` over the raw body with the app secret (missing -> 401, wrong -> 403, no secret
 * configured -> 503 so Meta retries once it is set), then reads the signals.
 */
export function handleWhatsAppWebhook(
  request: WhatsAppWebhookRequest,
  secrets: WhatsAppWebhookSecrets,
  clock: Clock,
  options: WhatsAppWebhookOptions = {},
): WhatsAppWebhookResult {
  const method = request.method.toUpperCase();
  if (method === 'GET') {
    if (!secrets.verifyToken) return reject(403, 'not-configured', 'no verify token is configured');
    const challenge = metaVerificationChallenge(request.query ?? {}, secrets.verifyToken);
    if (challenge === null) return reject(403, 'bad-verify-token', 'verification failed');
    return { status: 200, body: challenge, contentType: 'text/plain', records: [], signals: [] };
  }
  if (method !== 'POST') return reject(405, 'method', 'only GET and POST are accepted');
  const read = readSignedJsonPost({
    headers: request.headers,
    rawBody: request.rawBody,
    secret: secrets.appSecret,
    secretName: 'app secret',
    signatureHeader: 'X-Hub-Signature-256',
    verify: (appSecret, signatureHeader, rawBody) => verifyMetaSignature({ appSecret, signatureHeader, rawBody }),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  });
  if (!read.ok) return reject(read.status, read.rejected, read.message);
  const { signals } = extractWhatsAppSignals(read.payload);
  const records = recordsFromSignals(signals, clock.now(), options.recencyWindowMs);
  return { status: 200, body: { received: signals.length }, contentType: 'application/json', records, signals };
}
