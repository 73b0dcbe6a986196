import { signMeta } from '../webhooks/signatures';
import { SignedWebhookSender } from './signed-webhook-sender';
import { type ReceivedWebhook, serveWebhook, type WebhookReceiver } from './webhook-receiver';

describe('SignedWebhookSender', () => {
  const received: ReceivedWebhook[] = [];
  let receiver: WebhookReceiver;
  const sender = new SignedWebhookSender({
    secret: 'app-secret',
    signatureHeader: 'x-hub-signature-256',
    sign: signMeta,
    tamper: (body) => body.replace('"n":1', '"n":2'),
    headers: { 'user-agent': 'facebookexternalua' },
  });

  beforeAll(async () => {
    receiver = await serveWebhook((request) => {
      received.push(request);
      return { status: request.headers['x-hub-signature-256'] === undefined ? 401 : 200, body: { ok: true } };
    });
  });

  afterAll(() => receiver.close());

  beforeEach(() => {
    received.length = 0;
  });

  it('signs the exact bytes it sends, or signs wrongly, tampers after signing, or leaves the header out', async () => {
    const answers = [];
    for (const mode of ['valid', 'wrong-secret', 'tampered', 'none'] as const) answers.push(await sender.deliver(receiver.url, { n: 1 }, mode));
    expect(answers.map((a) => [a.signature, a.status])).toEqual([['valid', 200], ['wrong-secret', 200], ['tampered', 200], ['none', 401]]);
    const [valid, wrong, tampered, none] = received;
    expect(valid?.rawBody.toString()).toBe('{"n":1}');
    expect(valid?.headers['x-hub-signature-256']).toBe(signMeta('app-secret', '{"n":1}'));
    expect(valid?.headers['content-type']).toBe('application/json');
    expect(valid?.headers['user-agent']).toBe('facebookexternalua');
    expect(wrong?.headers['x-hub-signature-256']).toBe(signMeta('app-secret-not', '{"n":1}'));
    expect(tampered?.rawBody.toString()).toBe('{"n":2}');
    expect(tampered?.headers['x-hub-signature-256']).toBe(signMeta('app-secret', '{"n":1}'));
    expect(none?.headers['x-hub-signature-256']).toBeUndefined();
    expect(sender.deliveries.slice(-4).map((d) => d.url)).toEqual(Array(4).fill(receiver.url));
  });

  it('sends a string body byte for byte, repeats a body, and delivers bodies newest first', async () => {
    await sender.deliver(receiver.url, '{ "spaced" : 1 }');
    expect(received[0]?.rawBody.toString()).toBe('{ "spaced" : 1 }');
    expect(await sender.duplicate(receiver.url, { n: 1 }, 3)).toHaveLength(3);
    await sender.outOfOrder(receiver.url, [{ at: 1 }, { at: 2 }]);
    expect(received.map((r) => r.rawBody.toString())).toEqual(['{ "spaced" : 1 }', '{"n":1}', '{"n":1}', '{"n":1}', '{"at":2}', '{"at":1}']);
  });
});
