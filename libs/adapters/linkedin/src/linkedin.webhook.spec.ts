import { createHmac } from 'node:crypto';
import { linkedinNotificationBatch, linkedinSocialActionNotification } from './testing/linkedin.payloads';
import { handleLinkedInWebhook, type LinkedInWebhookRequest, signLinkedIn, verifyLinkedInSignature } from './linkedin.webhook';

const secrets = { clientSecret: 'client-secret' };
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const clock = { now: () => T0 };
const ADA = 'urn:li:person:yrZCpj2ZYQ';

function post(payload: unknown, signature?: string | null): LinkedInWebhookRequest {
  const rawBody = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const sig = signature === undefined ? signLinkedIn(secrets.clientSecret, rawBody) : signature;
  return { method: 'POST', headers: sig === null ? {} : { 'X-LI-Signature': sig }, rawBody };
}

describe('handleLinkedInWebhook: challenge validation', () => {
  it('answers challengeCode with the hex HMAC-SHA256 of it under the client secret, as JSON', () => {
    const challengeCode = '890e4665-4dfe-4ab1-b689-ed553bceeed0';
    const result = handleLinkedInWebhook({ method: 'GET', headers: {}, query: { challengeCode } }, secrets, clock);
    const expected = createHmac('sha256', secrets.clientSecret).update(challengeCode).digest('hex');
    expect(result).toMatchObject({ status: 200, contentType: 'application/json', body: { challengeCode, challengeResponse: expected } });
  });

  it('refuses a GET without a challengeCode, or with no client secret configured', () => {
    expect(handleLinkedInWebhook({ method: 'GET', headers: {}, query: {} }, secrets, clock)).toMatchObject({ status: 400, rejected: 'bad-challenge' });
    expect(handleLinkedInWebhook({ method: 'GET', headers: {}, query: { challengeCode: 'x' } }, {}, clock)).toMatchObject({ status: 503, rejected: 'not-configured' });
  });
});

describe('X-LI-Signature', () => {
  const body = '{"type":"ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS","notifications":[]}';

  it('is hex HMAC-SHA256 over "hmacsha256=" + raw body, keyed by the client secret', () => {
    const expected = createHmac('sha256', secrets.clientSecret).update(`hmacsha256=${body}`).digest('hex');
    expect(signLinkedIn(secrets.clientSecret, body)).toBe(expected);
  });

  it('accepts the digest with or without a hmacsha256= prefix, in either case, and nothing else', () => {
    const digest = signLinkedIn(secrets.clientSecret, body);
    for (const header of [digest, `hmacsha256=${digest}`, digest.toUpperCase()]) {
      expect(verifyLinkedInSignature({ clientSecret: secrets.clientSecret, signatureHeader: header, rawBody: body })).toBe(true);
    }
    const bareBodyHmac = createHmac('sha256', secrets.clientSecret).update(body).digest('hex');
    expect(verifyLinkedInSignature({ clientSecret: secrets.clientSecret, signatureHeader: bareBodyHmac, rawBody: body })).toBe(false);
    expect(verifyLinkedInSignature({ clientSecret: secrets.clientSecret, signatureHeader: undefined, rawBody: body })).toBe(false);
  });
});

describe('handleLinkedInWebhook: signed deliveries', () => {
  const at = T0 - 60_000;

  it('turns a member comment into a lastSeen record for the member URN at lastModifiedAt', () => {
    const result = handleLinkedInWebhook(post(linkedinNotificationBatch([linkedinSocialActionNotification({ action: 'COMMENT', actor: ADA, at })])), secrets, clock);
    expect(result.status).toBe(200);
    expect(result.records).toEqual([
      { platform: 'linkedin', accountId: ADA, status: 'online', rawStatus: 'COMMENT', lastSeen: new Date(at), observedAt: new Date(at) },
    ]);
  });

  it('reads shares, mentions, edits and likes that name an actor; ignores the Page, deletions and anonymous likes', () => {
    const people = ['SHARE', 'SHARE_MENTION', 'COMMENT_EDIT'].map((action, i) =>
      linkedinSocialActionNotification({ action: action as 'SHARE', actor: `urn:li:person:p${i}`, at }),
    );
    const like = linkedinSocialActionNotification({ action: 'LIKE', actor: 'urn:li:person:liker', at, includeActorField: true });
    const ignored = [
      linkedinSocialActionNotification({ action: 'ADMIN_COMMENT', actor: ADA, at }),
      linkedinSocialActionNotification({ action: 'COMMENT_DELETE', actor: ADA, at }),
      linkedinSocialActionNotification({ action: 'LIKE', actor: ADA, at }),
      linkedinSocialActionNotification({ action: 'COMMENT', actor: 'urn:li:organization:1', at }),
      { ...linkedinSocialActionNotification({ action: 'COMMENT', actor: ADA, at }), lastModifiedAt: 'yesterday' },
    ];
    const result = handleLinkedInWebhook(post(linkedinNotificationBatch([...people, like, ...ignored])), secrets, clock);
    expect(result.records.map((record) => record.accountId).sort()).toEqual(['urn:li:person:liker', 'urn:li:person:p0', 'urn:li:person:p1', 'urn:li:person:p2']);
  });

  it('reads a bare notification, keeps the newest act per member, and clamps future times', () => {
    const single = linkedinSocialActionNotification({ action: 'COMMENT', actor: ADA, at: T0 + 3_600_000 });
    expect(handleLinkedInWebhook(post(single), secrets, clock).records[0]?.lastSeen).toEqual(new Date(T0));
    const batch = linkedinNotificationBatch([
      linkedinSocialActionNotification({ action: 'COMMENT', actor: ADA, at: T0 - 9 * 60_000 }),
      linkedinSocialActionNotification({ action: 'SHARE', actor: ADA, at: T0 - 8 * 60_000 }),
    ]);
    expect(handleLinkedInWebhook(post(batch), secrets, clock).records).toEqual([
      expect.objectContaining({ accountId: ADA, status: 'away', rawStatus: 'SHARE', lastSeen: new Date(T0 - 8 * 60_000) }),
    ]);
  });

  it('acknowledges other event types without records', () => {
    const lead = { type: 'LEAD_ACTION', leadGenFormResponse: 'urn:li:leadGenFormResponse:1', occurredAt: T0 };
    expect(handleLinkedInWebhook(post(lead), secrets, clock)).toMatchObject({ status: 200, records: [] });
    expect(handleLinkedInWebhook(post([1, 2]), secrets, clock)).toMatchObject({ status: 200, records: [] });
  });

  it('rejects unsigned (401), mis-signed or tampered (403), unconfigured (503), non-JSON (400), huge (413), other methods (405)', () => {
    const body = JSON.stringify(linkedinNotificationBatch([linkedinSocialActionNotification({ action: 'COMMENT', actor: ADA, at })]));
    expect(handleLinkedInWebhook(post(body, null), secrets, clock)).toMatchObject({ status: 401, rejected: 'unsigned', records: [] });
    expect(handleLinkedInWebhook(post(body, signLinkedIn('other', body)), secrets, clock)).toMatchObject({ status: 403, rejected: 'bad-signature' });
    expect(handleLinkedInWebhook({ ...post(body), rawBody: body.replace('COMMENT', 'SHARE') }, secrets, clock)).toMatchObject({ status: 403 });
    expect(handleLinkedInWebhook(post(body), {}, clock)).toMatchObject({ status: 503, rejected: 'not-configured' });
    expect(handleLinkedInWebhook(post('nope'), secrets, clock)).toMatchObject({ status: 400, rejected: 'malformed' });
    expect(handleLinkedInWebhook(post(body), secrets, clock, { maxBodyBytes: 5 })).toMatchObject({ status: 413, rejected: 'too-large' });
    expect(handleLinkedInWebhook({ method: 'DELETE', headers: {} }, secrets, clock)).toMatchObject({ status: 405, rejected: 'method' });
  });
});
