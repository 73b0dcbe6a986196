import { signMeta } from '@amo/presence-adapter-kit';
import { whatsappMessagePayload, whatsappStatusPayload } from './testing/whatsapp.payloads';
import { handleWhatsAppWebhook, type WhatsAppWebhookRequest } from './whatsapp.webhook';

const secrets = { appSecret: 'app-secret', verifyToken: 'verify-me' };
const number = { wabaId: '1', phoneNumberId: '106540352242922', displayPhoneNumber: '15550783881' };
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const clock = { now: () => T0 };

function post(payload: unknown, signature: string | undefined = undefined): WhatsAppWebhookRequest {
  const rawBody = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const sig = signature === undefined ? signMeta(secrets.appSecret, rawBody) : signature;
  return { method: 'POST', headers: sig === '' ? {} : { 'X-Hub-Signature-256': sig }, rawBody };
}

describe('handleWhatsAppWebhook: verification GET', () => {
  const get = (query: Record<string, unknown>) => handleWhatsAppWebhook({ method: 'GET', headers: {}, query }, secrets, clock);

  it('echoes hub.challenge as text when mode and token match', () => {
    const result = get({ 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': '1158201444' });
    expect(result).toMatchObject({ status: 200, body: '1158201444', contentType: 'text/plain', records: [] });
  });

  it('answers 403 for a wrong token, a wrong mode, or no configured token', () => {
    expect(get({ 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '1' })).toMatchObject({ status: 403, rejected: 'bad-verify-token' });
    expect(get({ 'hub.mode': 'unsubscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': '1' }).status).toBe(403);
    const unconfigured = handleWhatsAppWebhook({ method: 'GET', headers: {}, query: {} }, { appSecret: 'x' }, clock);
    expect(unconfigured).toMatchObject({ status: 403, rejected: 'not-configured' });
  });
});

describe('handleWhatsAppWebhook: signed POSTs', () => {
  it('turns an inbound message into a strong lastSeen record at the message time', () => {
    const at = new Date(T0 - 60_000);
    const result = handleWhatsAppWebhook(post(whatsappMessagePayload(number, { from: '16505551234', at })), secrets, clock);
    expect(result.status).toBe(200);
    expect(result.records).toEqual([
      { platform: 'whatsapp', accountId: '16505551234', status: 'online', rawStatus: 'message', lastSeen: at, observedAt: at },
    ]);
  });

  it('turns a read receipt into a record for the recipient, already away when older than the window', () => {
    const at = new Date(T0 - 10 * 60_000);
    const result = handleWhatsAppWebhook(post(whatsappStatusPayload(number, { recipientId: '447700900123', status: 'read', at })), secrets, clock);
    expect(result.records).toEqual([
      expect.objectContaining({ accountId: '447700900123', status: 'away', rawStatus: 'read', lastSeen: at, observedAt: at }),
    ]);
  });

  it('keeps delivered as a weak signal that makes no record', () => {
    const at = new Date(T0 - 1000);
    const result = handleWhatsAppWebhook(post(whatsappStatusPayload(number, { recipientId: '447700900123', status: 'delivered', at })), secrets, clock);
    expect(result.status).toBe(200);
    expect(result.records).toEqual([]);
    expect(result.signals).toEqual([expect.objectContaining({ kind: 'delivered', strength: 'weak', waId: '447700900123' })]);
  });

  it('ignores sent and failed statuses and system messages', () => {
    for (const status of ['sent', 'failed'] as const) {
      const result = handleWhatsAppWebhook(post(whatsappStatusPayload(number, { recipientId: '1', status, at: T0 / 1000 })), secrets, clock);
      expect(result.signals).toEqual([]);
    }
    const system = handleWhatsAppWebhook(post(whatsappMessagePayload(number, { from: '1', at: T0 / 1000, type: 'system' })), secrets, clock);
    expect(system.records).toEqual([]);
  });

  it('clamps a signal from the future to now', () => {
    const result = handleWhatsAppWebhook(post(whatsappMessagePayload(number, { from: '1', at: new Date(T0 + 3_600_000) })), secrets, clock);
    expect(result.records[0]?.lastSeen).toEqual(new Date(T0));
  });

  it('keeps only the newest strong signal per person in one delivery', () => {
    const payload = whatsappMessagePayload(number, { from: '1', at: new Date(T0 - 120_000) }) as { entry: Array<{ changes: Array<{ value: Record<string, unknown[]> }> }> };
    const value = payload.entry[0].changes[0].value;
    value['messages'].push({ from: '1', id: 'wamid.2', timestamp: String((T0 - 30_000) / 1000), type: 'text', text: { body: 'again' } });
    value['statuses'] = [{ id: 'wamid.3', status: 'read', timestamp: String((T0 - 60_000) / 1000), recipient_id: '1' }];
    const result = handleWhatsAppWebhook(post(payload), secrets, clock);
    expect(result.signals).toHaveLength(3);
    expect(result.records).toEqual([expect.objectContaining({ accountId: '1', lastSeen: new Date(T0 - 30_000) })]);
  });

  it('acknowledges other objects and fields without records', () => {
    expect(handleWhatsAppWebhook(post({ object: 'page', entry: [] }), secrets, clock)).toMatchObject({ status: 200, records: [] });
    const other = { object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'account_update', value: { messages: [{ from: '1', timestamp: '1' }] } }] }] };
    expect(handleWhatsAppWebhook(post(other), secrets, clock).signals).toEqual([]);
  });
});

describe('handleWhatsAppWebhook: rejections', () => {
  const body = JSON.stringify(whatsappMessagePayload(number, { from: '1', at: T0 / 1000 }));

  it('rejects an unsigned POST with 401', () => {
    expect(handleWhatsAppWebhook(post(body, ''), secrets, clock)).toMatchObject({ status: 401, rejected: 'unsigned', records: [] });
  });

  it('rejects a signature made with another secret, or over other bytes, with 403', () => {
    expect(handleWhatsAppWebhook(post(body, signMeta('other', body)), secrets, clock)).toMatchObject({ status: 403, rejected: 'bad-signature' });
    const tampered = { ...post(body), rawBody: body.replace('"1"', '"2"') };
    expect(handleWhatsAppWebhook(tampered, secrets, clock)).toMatchObject({ status: 403, rejected: 'bad-signature', records: [] });
  });

  it('answers 503 while no app secret is configured, 400 for non-JSON, 413 for huge bodies, 405 for other methods', () => {
    expect(handleWhatsAppWebhook(post(body), { verifyToken: 'v' }, clock)).toMatchObject({ status: 503, rejected: 'not-configured' });
    expect(handleWhatsAppWebhook(post('not json'), secrets, clock)).toMatchObject({ status: 400, rejected: 'malformed' });
    expect(handleWhatsAppWebhook(post(body), secrets, clock, { maxBodyBytes: 10 })).toMatchObject({ status: 413, rejected: 'too-large' });
    expect(handleWhatsAppWebhook({ method: 'PUT', headers: {} }, secrets, clock)).toMatchObject({ status: 405, rejected: 'method' });
  });

  it('verifies a Buffer body byte for byte', () => {
    const request = { ...post(body), rawBody: Buffer.from(body) };
    expect(handleWhatsAppWebhook(request, secrets, clock).status).toBe(200);
  });
});
