import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Compares two strings in time independent of where they differ. Both sides are hashed first, so unequal
 * lengths neither throw nor leak through an early return.
 */
export function timingSafeEqualString(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}

export function hmacSha256Hex(key: string, ...parts: Array<string | Buffer>): string {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

/** The timestamped `v0` scheme Slack and Zoom share: `v0=` + hex(HMAC-SHA256(secret, `v0:{timestamp}:{rawBody}`)). */
function signV0(secret: string, timestamp: string | number, rawBody: string | Buffer): string {
  return 'v0=' + hmacSha256Hex(secret, `v0:${timestamp}:`, rawBody);
}

/** What a `v0` verification reads besides the secret. */
export interface V0SignatureFields {
  /** `X-Slack-Request-Timestamp` / `x-zm-request-timestamp` (epoch seconds). */
  timestamp: string | undefined;
  /** `X-Slack-Signature` / `x-zm-signature`. */
  signature: string | undefined;
  /** The body exactly as received: a re-serialised JSON body does not verify. */
  rawBody: string | Buffer;
  nowMs: number;
  /** Replay window in seconds, default 300 (five minutes). */
  toleranceSec?: number;
}

function verifyV0(secret: string, o: V0SignatureFields): boolean {
  if (!withinTolerance(o.timestamp, o.nowMs, o.toleranceSec ?? 300)) return false;
  return timingSafeEqualString(signV0(secret, o.timestamp as string, o.rawBody), o.signature);
}

/** Signs like Slack: `v0=` + hex(HMAC-SHA256(signingSecret, `v0:{timestamp}:{rawBody}`)). Emulators use it. */
export function signSlack(signingSecret: string, timestamp: string | number, rawBody: string | Buffer): string {
  return signV0(signingSecret, timestamp, rawBody);
}

export interface SlackSignatureInput extends V0SignatureFields {
  signingSecret: string;
}

/** Verifies Slack's signing secret scheme with a replay window. */
export function verifySlackSignature(o: SlackSignatureInput): boolean {
  return verifyV0(o.signingSecret, o);
}

/** Signs like Zoom: `v0=` + hex(HMAC-SHA256(secretToken, `v0:{x-zm-request-timestamp}:{rawBody}`)). */
export function signZoom(secretToken: string, timestamp: string | number, rawBody: string | Buffer): string {
  return signV0(secretToken, timestamp, rawBody);
}

export interface ZoomSignatureInput extends V0SignatureFields {
  secretToken: string;
}

/** Verifies Zoom's `x-zm-signature` on the raw body (not on a re-serialised payload, unlike Zoom's SDK). */
export function verifyZoomSignature(o: ZoomSignatureInput): boolean {
  return verifyV0(o.secretToken, o);
}

/** The answer to Zoom's `endpoint.url_validation` event: hex(HMAC-SHA256(secretToken, plainToken)). */
export function zoomUrlValidationResponse(
  plainToken: string,
  secretToken: string,
): { plainToken: string; encryptedToken: string } {
  return { plainToken, encryptedToken: hmacSha256Hex(secretToken, plainToken) };
}

/** Signs like Meta (WhatsApp Cloud API): `sha256=` + hex(HMAC-SHA256(appSecret, rawBody)). */
export function signMeta(appSecret: string, rawBody: string | Buffer): string {
  return 'sha256=' + hmacSha256Hex(appSecret, rawBody);
}

/** Verifies `X-Hub-Signature-256` on the raw body. */
export function verifyMetaSignature(o: {
  appSecret: string;
  signatureHeader: string | undefined;
  rawBody: string | Buffer;
}): boolean {
  return timingSafeEqualString(signMeta(o.appSecret, o.rawBody), o.signatureHeader);
}

/**
 * Meta's subscription handshake: answers `hub.challenge` when `hub.mode=subscribe` and `hub.verify_token`
 * matches; null means "answer 403". Accepts flat (`hub.mode`) and nested (`hub: {mode}`) query objects.
 */
export function metaVerificationChallenge(query: Record<string, unknown>, verifyToken: string): string | null {
  const nested = typeof query['hub'] === 'object' && query['hub'] !== null ? (query['hub'] as Record<string, unknown>) : {};
  const mode = first(query['hub.mode'] ?? nested['mode']);
  const token = first(query['hub.verify_token'] ?? nested['verify_token']);
  const challenge = first(query['hub.challenge'] ?? nested['challenge']);
  if (mode !== 'subscribe' || challenge === undefined) return null;
  return timingSafeEqualString(token, verifyToken) ? challenge : null;
}

/** LinkedIn webhook validation: `challengeResponse` = hex(HMAC-SHA256 keyed by clientSecret over challengeCode). */
export function linkedinChallengeResponse(challengeCode: string, clientSecret: string): string {
  return hmacSha256Hex(clientSecret, challengeCode);
}

/**
 * Microsoft Graph's subscription validation: the `validationToken` query parameter to echo back as text/plain
 * (already URL-decoded by any query parser); null when the request is not a validation request.
 */
export function graphValidationToken(query: Record<string, unknown>): string | null {
  return first(query['validationToken']) ?? null;
}

/** Checks a Graph notification's `clientState` against the secret the subscription was created with. */
export function verifyGraphClientState(received: unknown, expected: string): boolean {
  return typeof received === 'string' && timingSafeEqualString(received, expected);
}

function first(value: unknown): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' ? one : typeof one === 'number' ? String(one) : undefined;
}

/** Accepts epoch seconds, or epoch milliseconds when the number is obviously that large. */
function withinTolerance(timestamp: string | undefined, nowMs: number, toleranceSec: number): boolean {
  if (typeof timestamp !== 'string' || !/^\d+$/.test(timestamp)) return false;
  const value = Number(timestamp);
  const ms = value > 1e12 ? value : value * 1000;
  return Math.abs(nowMs - ms) <= toleranceSec * 1000;
}
