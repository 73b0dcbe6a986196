import { hmacSha256Hex, linkedinChallengeResponse, readSignedJsonPost, recencyRecords, timingSafeEqualString, type WebhookHeaders } from '@amo/presence-adapter-kit';
import { type Clock, DEFAULT_RECENCY_WINDOW_MS, type PlatformPresence } from '@amo/presence-core';
import { extractLinkedInSignals, type LinkedInSignal, linkedinRecencySignal } from './linkedin.signals';

/** What the service's webhook controller hands over: the request exactly as received. */
export interface LinkedInWebhookRequest {
  method: string;
  headers: WebhookHeaders;
  /** The body bytes as received: the signature covers them, so never a re-serialized object. */
  rawBody?: string | Buffer;
  query?: Readonly<Record<string, unknown>>;
}

export interface LinkedInWebhookSecrets {
  /** The app's client secret: it keys both the challenge response and the delivery signature. */
  clientSecret?: string;
}

export interface LinkedInWebhookOptions {
  /** Last seen within this window reads as online (default 5 minutes); core re-derives it at read time. */
  recencyWindowMs?: number;
  /** Bodies larger than this are refused (413); a batch holds at most 10 notifications. */
  maxBodyBytes?: number;
}

export type LinkedInWebhookRejection = 'not-configured' | 'bad-challenge' | 'unsigned' | 'bad-signature' | 'malformed' | 'too-large' | 'method';

export interface LinkedInWebhookResult {
  status: number;
  body: unknown;
  contentType?: string;
  /** One record per member (the newest act in this delivery), ready for `aggregator.ingest`. */
  records: PlatformPresence[];
  signals: LinkedInSignal[];
  rejected?: LinkedInWebhookRejection;
}

const DEFAULT_MAX_BODY_BYTES = 256_000;
const SIGNATURE_PREFIX = 'hmacsha256=';

function first(value: unknown): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' && one !== '' ? one : undefined;
}

function reject(status: number, rejected: LinkedInWebhookRejection, message: string): LinkedInWebhookResult {
  return { status, body: { error: message }, contentType: 'application/json', records: [], signals: [], rejected };
}

/**
 * Signs a delivery the way we read LinkedIn's page: hex HMAC-SHA256, keyed by the client secret, over
 * `hmacsha256=` + the raw body. Used by the emulator; the README says what about it is uncertain.
 */
export function signLinkedIn(clientSecret: string, rawBody: string | Buffer): string {
  return hmacSha256Hex(clientSecret, SIGNATURE_PREFIX, rawBody);
}

/**
 * Verifies `X-LI-Signature`. The header's own format is not pinned down by LinkedIn's wording, so a value with
 * or without a leading `hmacsha256=` is accepted; the digest itself must match exactly (hex, any case).
 */
export function verifyLinkedInSignature(o: { clientSecret: string; signatureHeader: string | undefined; rawBody: string | Buffer }): boolean {
  if (typeof o.signatureHeader !== 'string') return false;
  let received = o.signatureHeader.trim().toLowerCase();
  if (received.startsWith(SIGNATURE_PREFIX)) received = received.slice(SIGNATURE_PREFIX.length);
  return timingSafeEqualString(received, signLinkedIn(o.clientSecret, o.rawBody));
}

/** Member acts to records: lastSeen = observedAt = the act's time (clamped to now), newest per member. */
export function recordsFromLinkedInSignals(signals: readonly LinkedInSignal[], nowMs: number, windowMs = DEFAULT_RECENCY_WINDOW_MS): PlatformPresence[] {
  return recencyRecords('linkedin', signals.map(linkedinRecencySignal), nowMs, windowMs);
}

/**
 * The pure webhook handler the service's controller calls. GET answers LinkedIn's validation
 * (`?challengeCode=` -> 200 JSON `{challengeCode, challengeResponse}`), repeated every 2 hours by LinkedIn.
 * POST checks `X-LI-Signature` (missing -> 401, wrong -> 403, no client secret configured -> 503), then turns
 * member acts into lastSeen records. Duplicate deliveries give identical records, which core ignores.
 */
export function handleLinkedInWebhook(
  request: LinkedInWebhookRequest,
  secrets: LinkedInWebhookSecrets,
  clock: Clock,
  options: LinkedInWebhookOptions = {},
): LinkedInWebhookResult {
  const method = request.method.toUpperCase();
  if (method === 'GET') {
    if (!secrets.clientSecret) return reject(503, 'not-configured', 'no client secret is configured');
    const challengeCode = first(request.query?.['challengeCode']);
    if (challengeCode === undefined || challengeCode.length > 200) return reject(400, 'bad-challenge', 'challengeCode is required');
    const body = { challengeCode, challengeResponse: linkedinChallengeResponse(challengeCode, secrets.clientSecret) };
    return { status: 200, body, contentType: 'application/json', records: [], signals: [] };
  }
  if (method !== 'POST') return reject(405, 'method', 'only GET and POST are accepted');
  const read = readSignedJsonPost({
    headers: request.headers,
    rawBody: request.rawBody,
    secret: secrets.clientSecret,
    secretName: 'client secret',
    signatureHeader: 'X-LI-Signature',
    verify: (clientSecret, signatureHeader, rawBody) => verifyLinkedInSignature({ clientSecret, signatureHeader, rawBody }),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  });
  if (!read.ok) return reject(read.status, read.rejected, read.message);
  const { signals } = extractLinkedInSignals(read.payload);
  const records = recordsFromLinkedInSignals(signals, clock.now(), options.recencyWindowMs);
  return { status: 200, body: { received: signals.length }, contentType: 'application/json', records, signals };
}
