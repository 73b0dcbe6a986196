import type { WebhookDelivery, WebhookReply } from '@amo/presence-core';
import { DELIVERY_IN_PROGRESS, type DeliveryClaim, type DeliveryLedger, deliveryKey, handleOnce } from './delivery-dedupe';

/** A ledger in a Map, as two processes sharing one store would see it. */
class MapLedger implements DeliveryLedger {
  readonly entries = new Map<string, WebhookReply | 'pending'>();
  down = false;

  async claim(key: string): Promise<DeliveryClaim> {
    if (this.down) throw new Error('store down');
    const held = this.entries.get(key);
    if (held === undefined) {
      this.entries.set(key, 'pending');
      return { first: true };
    }
    return held === 'pending' ? { first: false } : { first: false, reply: held };
  }

  async settle(key: string, reply: WebhookReply): Promise<void> {
    this.entries.set(key, reply);
  }

  async release(key: string): Promise<void> {
    this.entries.delete(key);
  }
}

const post = (body: string): WebhookDelivery => ({ method: 'POST', headers: {}, query: {}, rawBody: Buffer.from(body) });
const OK: WebhookReply = { status: 200, body: 'EVENT_RECEIVED', contentType: 'text/plain' };

describe('deliveryKey', () => {
  it('names a POST by platform and body, so a retry (same bytes, new headers) has the same key', () => {
    const first = post('{"event_id":"Ev1"}');
    const retry = { ...post('{"event_id":"Ev1"}'), headers: { 'x-slack-retry-num': '1' } };
    expect(deliveryKey('slack', first)).toBe(deliveryKey('slack', retry));
    expect(deliveryKey('slack', first)).not.toBe(deliveryKey('slack', post('{"event_id":"Ev2"}')));
    expect(deliveryKey('slack', first)).not.toBe(deliveryKey('zoom', first));
  });

  it('names nothing for GET handshakes, empty bodies, or a route whose bodies do not identify a delivery', () => {
    expect(deliveryKey('whatsapp', { method: 'GET', headers: {}, query: { 'hub.challenge': '1' }, rawBody: Buffer.alloc(0) })).toBeUndefined();
    expect(deliveryKey('teams', { ...post(''), query: { validationToken: 't' } })).toBeUndefined();
    expect(deliveryKey('teams', post('{"value":[]}'), false)).toBeUndefined();
  });
});

describe('handleOnce', () => {
  it('applies a delivery once; a repeat gets the first reply without reaching the handler', async () => {
    const ledger = new MapLedger();
    const handle = jest.fn(() => OK);
    expect(await handleOnce(ledger, 'k', handle)).toBe(OK);
    expect(await handleOnce(ledger, 'k', handle)).toEqual(OK);
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it('answers 503 (retry later) to a repeat that arrives while the first is being handled', async () => {
    const ledger = new MapLedger();
    ledger.entries.set('k', 'pending');
    const handle = jest.fn(() => OK);
    expect(await handleOnce(ledger, 'k', handle)).toBe(DELIVERY_IN_PROGRESS);
    expect(handle).not.toHaveBeenCalled();
  });

  it('releases the claim when the handler refuses or throws, so the genuine delivery or its retry is handled', async () => {
    const ledger = new MapLedger();
    const forged: WebhookReply = { status: 403, body: 'signature mismatch' };
    expect(await handleOnce(ledger, 'k', () => forged)).toBe(forged);
    expect(ledger.entries.has('k')).toBe(false);
    await expect(
      handleOnce(ledger, 'k', () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(ledger.entries.has('k')).toBe(false);
    expect(await handleOnce(ledger, 'k', () => OK)).toBe(OK);
  });

  it('handles every delivery when the ledger cannot answer, and deliveries without a key as they are', async () => {
    const ledger = new MapLedger();
    ledger.down = true;
    const handle = jest.fn(() => OK);
    await handleOnce(ledger, 'k', handle);
    await handleOnce(ledger, 'k', handle);
    await handleOnce(new MapLedger(), undefined, handle);
    expect(handle).toHaveBeenCalledTimes(3);
  });
});
