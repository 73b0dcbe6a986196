import { createHmac } from 'node:crypto';
import {
  graphValidationToken,
  linkedinChallengeResponse,
  metaVerificationChallenge,
  signMeta,
  signSlack,
  signZoom,
  timingSafeEqualString,
  verifyGraphClientState,
  verifyMetaSignature,
  verifySlackSignature,
  verifyZoomSignature,
  zoomUrlValidationResponse,
} from './signatures';

// Vectors computed here, independently of the helpers, straight from each platform's documented recipe.
const hmacHex = (key: string, message: string | Buffer) => createHmac('sha256', key).update(message).digest('hex');

describe('Slack signing secret', () => {
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  const timestamp = '1531420618';
  const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather&text=94070';
  const nowMs = 1531420618 * 1000 + 10_000;
  const expected = 'v0=' + hmacHex(secret, `v0:${timestamp}:${body}`);

  it('signs v0:timestamp:body', () => {
    expect(signSlack(secret, timestamp, body)).toBe(expected);
    expect(signSlack(secret, timestamp, Buffer.from(body))).toBe(expected);
  });

  it('verifies a good signature on the raw body and rejects tampering', () => {
    expect(verifySlackSignature({ signingSecret: secret, timestamp, signature: expected, rawBody: body, nowMs })).toBe(true);
    expect(verifySlackSignature({ signingSecret: secret, timestamp, signature: expected, rawBody: body + ' ', nowMs })).toBe(false);
    expect(verifySlackSignature({ signingSecret: 'other', timestamp, signature: expected, rawBody: body, nowMs })).toBe(false);
    expect(verifySlackSignature({ signingSecret: secret, timestamp, signature: undefined, rawBody: body, nowMs })).toBe(false);
    expect(verifySlackSignature({ signingSecret: secret, timestamp, signature: 'v0=short', rawBody: body, nowMs })).toBe(false);
  });

  it('enforces the five-minute replay window', () => {
    const at = (offsetSec: number) => Number(timestamp) * 1000 + offsetSec * 1000;
    const check = (now: number, toleranceSec?: number) =>
      verifySlackSignature({ signingSecret: secret, timestamp, signature: expected, rawBody: body, nowMs: now, toleranceSec });
    expect(check(at(300))).toBe(true);
    expect(check(at(301))).toBe(false);
    expect(check(at(-301))).toBe(false);
    expect(check(at(30), 10)).toBe(false);
    expect(verifySlackSignature({ signingSecret: secret, timestamp: undefined, signature: expected, rawBody: body, nowMs })).toBe(false);
    expect(verifySlackSignature({ signingSecret: secret, timestamp: 'abc', signature: expected, rawBody: body, nowMs })).toBe(false);
  });
});

describe('Zoom webhooks', () => {
  const secretToken = 'zm-secret-token';
  const timestamp = '1700000000';
  const rawBody = '{"event":"user.presence_status_updated","payload":{"object":{"id":"u1","presence_status":"Available"}}}';
  const expected = 'v0=' + hmacHex(secretToken, `v0:${timestamp}:${rawBody}`);

  it('signs and verifies x-zm-signature on the raw body', () => {
    expect(signZoom(secretToken, timestamp, rawBody)).toBe(expected);
    const base = { secretToken, timestamp, signature: expected, rawBody, nowMs: 1700000000_000 };
    expect(verifyZoomSignature(base)).toBe(true);
    expect(verifyZoomSignature({ ...base, rawBody: JSON.stringify(JSON.parse(rawBody), null, 1) })).toBe(false);
    expect(verifyZoomSignature({ ...base, nowMs: 1700000000_000 + 301_000 })).toBe(false);
  });

  it('accepts a millisecond timestamp', () => {
    const ms = '1700000000000';
    const signature = 'v0=' + hmacHex(secretToken, `v0:${ms}:${rawBody}`);
    expect(verifyZoomSignature({ secretToken, timestamp: ms, signature, rawBody, nowMs: 1700000000_000 })).toBe(true);
  });

  it('answers endpoint.url_validation with hex(HMAC(secretToken, plainToken))', () => {
    expect(zoomUrlValidationResponse('qgg8vlvZRS6UYooatFL8Aw', secretToken)).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: hmacHex(secretToken, 'qgg8vlvZRS6UYooatFL8Aw'),
    });
  });
});

describe('Meta (WhatsApp) webhooks', () => {
  const appSecret = 'meta-app-secret';
  const rawBody = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');

  it('signs and verifies X-Hub-Signature-256', () => {
    const expected = 'sha256=' + hmacHex(appSecret, rawBody);
    expect(signMeta(appSecret, rawBody)).toBe(expected);
    expect(verifyMetaSignature({ appSecret, signatureHeader: expected, rawBody })).toBe(true);
    expect(verifyMetaSignature({ appSecret, signatureHeader: expected.replace('sha256=', ''), rawBody })).toBe(false);
    expect(verifyMetaSignature({ appSecret, signatureHeader: undefined, rawBody })).toBe(false);
  });

  it('answers the hub.challenge handshake only for subscribe with the right token', () => {
    const query = { 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': 'vt' };
    expect(metaVerificationChallenge(query, 'vt')).toBe('1158201444');
    expect(metaVerificationChallenge(query, 'other')).toBeNull();
    expect(metaVerificationChallenge({ ...query, 'hub.mode': 'unsubscribe' }, 'vt')).toBeNull();
    expect(metaVerificationChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': 'vt' }, 'vt')).toBeNull();
    expect(metaVerificationChallenge({ hub: { mode: 'subscribe', challenge: 42, verify_token: 'vt' } }, 'vt')).toBe('42');
    expect(metaVerificationChallenge({ 'hub.mode': ['subscribe'], 'hub.challenge': ['c'], 'hub.verify_token': ['vt'] }, 'vt')).toBe('c');
  });
});

describe('LinkedIn and Graph validation', () => {
  it('computes challengeResponse keyed by the client secret', () => {
    expect(linkedinChallengeResponse('890e4a3b-2f2e-4b8e-9b1e-1b2c3d4e5f60', 'li-secret')).toBe(
      hmacHex('li-secret', '890e4a3b-2f2e-4b8e-9b1e-1b2c3d4e5f60'),
    );
  });

  it('echoes Graph validationToken and checks clientState', () => {
    expect(graphValidationToken({ validationToken: 'Validation: Testing client application reachability' })).toBe(
      'Validation: Testing client application reachability',
    );
    expect(graphValidationToken({})).toBeNull();
    expect(verifyGraphClientState('secretClientState', 'secretClientState')).toBe(true);
    expect(verifyGraphClientState('nope', 'secretClientState')).toBe(false);
    expect(verifyGraphClientState(undefined, 'secretClientState')).toBe(false);
  });
});

describe('timingSafeEqualString', () => {
  it('compares strings of any length without throwing', () => {
    expect(timingSafeEqualString('abc', 'abc')).toBe(true);
    expect(timingSafeEqualString('abc', 'abd')).toBe(false);
    expect(timingSafeEqualString('abc', 'abcd')).toBe(false);
    expect(timingSafeEqualString('', '')).toBe(true);
    expect(timingSafeEqualString(undefined, 'a')).toBe(false);
  });
});
