import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Presence-Signature';
export const TIMESTAMP_HEADER = 'X-Presence-Timestamp';

/** `v1=` + hex HMAC-SHA256, keyed with the shared secret, of `<timestamp>.<body>` (timestamp in unix seconds). */
export function signEvent(secret: string, timestampSeconds: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex')}`;
}

/** The headers of one attempt: signed with the time of that attempt, so a receiver can refuse old replays. */
export function signedHeaders(secret: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'presence-api',
    [SIGNATURE_HEADER.toLowerCase()]: signEvent(secret, timestamp, body),
    [TIMESTAMP_HEADER.toLowerCase()]: String(timestamp),
  };
}

/** What a receiver does (the README shows the same in Python and Node): constant-time compare, bounded age. */
export function verifyEventSignature(
  secret: string,
  headers: { signature?: string; timestamp?: string },
  body: string,
  nowMs: number,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp) || Math.abs(nowMs / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signEvent(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
