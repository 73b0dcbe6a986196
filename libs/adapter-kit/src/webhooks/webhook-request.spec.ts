import { signMeta, timingSafeEqualString } from './signatures';
import { headerValue, readSignedJsonPost, type SignedJsonPostOptions } from './webhook-request';

describe('headerValue', () => {
  it('finds a header in a plain map whatever the case, taking the first of repeated values', () => {
    const headers = { 'X-Hub-Signature-256': 'sha256=ab', 'x-multi': ['one', 'two'], 'x-empty': undefined };
    expect(headerValue(headers, 'x-hub-signature-256')).toBe('sha256=ab');
    expect(headerValue(headers, 'X-HUB-SIGNATURE-256')).toBe('sha256=ab');
    expect(headerValue(headers, 'x-multi')).toBe('one');
    expect(headerValue(headers, 'x-empty')).toBeUndefined();
    expect(headerValue(headers, 'x-absent')).toBeUndefined();
  });

  it('reads a fetch Headers object', () => {
    const headers = new Headers({ 'X-Slack-Signature': 'v0=1' });
    expect(headerValue(headers, 'x-slack-signature')).toBe('v0=1');
    expect(headerValue(headers, 'X-Slack-Request-Timestamp')).toBeUndefined();
  });
});

describe('readSignedJsonPost', () => {
  const secret = 'app-secret';
  const body = '{"object":"whatsapp_business_account","entry":[]}';
  const options = (overrides: Partial<SignedJsonPostOptions> = {}): SignedJsonPostOptions => ({
    headers: { 'X-Hub-Signature-256': signMeta(secret, body) },
    rawBody: body,
    secret,
    secretName: 'app secret',
    signatureHeader: 'X-Hub-Signature-256',
    verify: (key, signature, raw) => timingSafeEqualString(signMeta(key, raw), signature),
    maxBodyBytes: 1_000,
    ...overrides,
  });

  it('reads the payload of a signed JSON body, string or Buffer', () => {
    expect(readSignedJsonPost(options())).toEqual({ ok: true, payload: { object: 'whatsapp_business_account', entry: [] } });
    expect(readSignedJsonPost(options({ rawBody: Buffer.from(body) }))).toMatchObject({ ok: true });
  });

  it('refuses, in this order: no secret 503, too large 413, unsigned 401, mis-signed 403, not JSON 400', () => {
    expect(readSignedJsonPost(options({ secret: undefined, rawBody: 'x'.repeat(2_000), headers: {} }))).toEqual({
      ok: false,
      status: 503,
      rejected: 'not-configured',
      message: 'no app secret is configured to verify deliveries',
    });
    expect(readSignedJsonPost(options({ rawBody: 'x'.repeat(2_000), headers: {} }))).toMatchObject({ status: 413, rejected: 'too-large' });
    expect(readSignedJsonPost(options({ headers: {} }))).toEqual({ ok: false, status: 401, rejected: 'unsigned', message: 'missing X-Hub-Signature-256' });
    expect(readSignedJsonPost(options({ rawBody: body.replace('[]', '[1]') }))).toMatchObject({ status: 403, rejected: 'bad-signature' });
    expect(readSignedJsonPost(options({ rawBody: 'not json', headers: { 'x-hub-signature-256': signMeta(secret, 'not json') } }))).toMatchObject({
      status: 400,
      rejected: 'malformed',
    });
    expect(readSignedJsonPost(options({ rawBody: undefined }))).toMatchObject({ status: 403 });
  });

  it('counts the limit in bytes, not characters', () => {
    const wide = JSON.stringify({ text: 'é'.repeat(10) });
    const signed = { headers: { 'x-hub-signature-256': signMeta(secret, wide) }, rawBody: wide };
    expect(readSignedJsonPost(options({ ...signed, maxBodyBytes: wide.length }))).toMatchObject({ status: 413 });
    expect(readSignedJsonPost(options({ ...signed, maxBodyBytes: Buffer.byteLength(wide) }))).toMatchObject({ ok: true });
  });
});
