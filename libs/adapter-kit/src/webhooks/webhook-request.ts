/** Node's IncomingHttpHeaders, a fetch `Headers`, or any plain map of header names to values. */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** A header's value whatever the case of its name; the first one when it was sent several times. */
export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(wanted) ?? undefined;
  const map = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(map).find((candidate) => candidate.toLowerCase() === wanted);
  const value = key === undefined ? undefined : map[key];
  return Array.isArray(value) ? value[0] : (value as string | undefined);
}

/** Why a signed POST was refused. */
export type SignedPostRejection = 'not-configured' | 'too-large' | 'unsigned' | 'bad-signature' | 'malformed';

export interface SignedJsonPostOptions {
  headers: WebhookHeaders;
  /** The body bytes as received: the signature covers them, so never a re-serialized object. */
  rawBody: string | Buffer | undefined;
  /** The key deliveries are signed with; undefined while none is configured. */
  secret: string | undefined;
  /** What the secret is called in the 503 message (`app secret`, `client secret`). */
  secretName: string;
  /** The signature header as the platform spells it (`X-Hub-Signature-256`); looked up in any case. */
  signatureHeader: string;
  /** The platform's check of the header's value over the raw body (constant-time). */
  verify(secret: string, signature: string, rawBody: string | Buffer): boolean;
  maxBodyBytes: number;
}

export type SignedJsonPost =
  | { ok: true; payload: unknown }
  | { ok: false; status: number; rejected: SignedPostRejection; message: string };

/**
 * The checks every signed JSON webhook POST goes through, in order: a secret is configured (else 503, so the
 * platform retries once it is set), the body is not over the limit (413), the signature header is present (401)
 * and matches the raw body (403), and the body is JSON (400). Only then is the payload read.
 */
export function readSignedJsonPost(o: SignedJsonPostOptions): SignedJsonPost {
  const refuse = (status: number, rejected: SignedPostRejection, message: string): SignedJsonPost => ({ ok: false, status, rejected, message });
  if (!o.secret) return refuse(503, 'not-configured', `no ${o.secretName} is configured to verify deliveries`);
  const rawBody = o.rawBody ?? '';
  if (Buffer.byteLength(rawBody) > o.maxBodyBytes) return refuse(413, 'too-large', 'body too large');
  const signature = headerValue(o.headers, o.signatureHeader);
  if (!signature) return refuse(401, 'unsigned', `missing ${o.signatureHeader}`);
  if (!o.verify(o.secret, signature, rawBody)) return refuse(403, 'bad-signature', 'signature mismatch');
  try {
    return { ok: true, payload: JSON.parse(rawBody.toString()) };
  } catch {
    return refuse(400, 'malformed', 'body is not JSON');
  }
}
