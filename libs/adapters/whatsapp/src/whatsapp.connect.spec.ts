import { activeResources, connectionsAfterClose, type EmulatorReply, leaksAfterClose } from '@amo/presence-adapter-kit/testing';
import { graphError, WhatsAppEmulator } from './testing';
import { createWhatsAppAdapter, type WhatsAppAdapter } from './whatsapp.adapter';
import { parseWhatsAppCredentials } from './whatsapp.credentials';

/** Fake only Date (the breaker's cool-down clock); sockets and the kit's short backoff waits keep real timers. */
function fakeDateOnly(): void {
  jest.useFakeTimers({
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
}

/** The contract suite's failure checks, applied where WhatsApp makes its only platform call: connect(). */
describe('WhatsAppAdapter.connect() failure mapping', () => {
  let emulator: WhatsAppEmulator;
  let adapter: WhatsAppAdapter;

  beforeEach(async () => {
    emulator = await WhatsAppEmulator.start();
    adapter = createWhatsAppAdapter({
      credentials: parseWhatsAppCredentials(emulator.credentials()),
      graphBaseUrl: emulator.graphBaseUrl,
      timeoutMs: 150,
      maxRetries: 1,
      backoff: { baseMs: 5, maxMs: 20 },
      breaker: { failureThreshold: 6, cooldownMs: 100 },
    });
  });

  afterEach(async () => {
    jest.useRealTimers();
    await adapter.close();
    await emulator.close();
  });

  const reads = (): number => emulator.server.requestsTo('/:version/:id', 'GET').length;

  it.each<[string, string, number, EmulatorReply]>([
    ['401 (code 190)', 'AUTH_INVALID', 1, graphError(401, 190, 'Invalid OAuth access token')],
    ['400 with code 190', 'AUTH_INVALID', 1, graphError(400, 190, 'Error validating access token: Session has expired')],
    ['403 (code 10)', 'PERMISSION_DENIED', 1, graphError(403, 10, 'Application does not have permission for this action')],
    ['500 (code 2)', 'TRANSIENT', 2, graphError(500, 2, 'Service temporarily unavailable')],
  ])('maps %s to %s (%d request(s))', async (_label, code, requests, reply) => {
    emulator.server.faults.failNext(Infinity, reply);
    await expect(adapter.connect()).rejects.toMatchObject({ code, platform: 'whatsapp' });
    expect(reads()).toBe(requests);
  });

  it('maps a rate-limit storm to RATE_LIMITED with retryAfterMs, in Graph\'s code-4 shape', async () => {
    emulator.server.faults.rateLimitNext(Infinity, 0);
    await expect(adapter.connect()).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 0 });
    const [limited] = emulator.server.requests;
    expect(limited?.outcome).toBe('fault');
  });

  it('maps timeouts and connection resets to TRANSIENT after a retry, malformed JSON to PROTOCOL', async () => {
    emulator.server.faults.delayNext(Infinity, 600);
    await expect(adapter.connect()).rejects.toMatchObject({ code: 'TRANSIENT' });
    emulator.server.reset();
    emulator.server.faults.dropNext(Infinity);
    await expect(adapter.connect()).rejects.toMatchObject({ code: 'TRANSIENT' });
    expect(reads()).toBe(2);
    emulator.server.reset();
    emulator.server.faults.malformedNext(Infinity);
    await expect(adapter.connect()).rejects.toMatchObject({ code: 'PROTOCOL' });
  });

  it('recovers after an outage once the breaker lets a trial call through', async () => {
    fakeDateOnly();
    emulator.server.faults.failNext(Infinity, { status: 503, json: { error: { message: 'down', code: 2 } } });
    for (let i = 0; i < 3; i++) await expect(adapter.connect()).rejects.toMatchObject({ code: 'TRANSIENT' });
    expect(adapter.health().breaker).toBe('open');
    emulator.server.faults.clear();
    jest.setSystemTime(Date.now() + 99);
    await expect(adapter.connect()).rejects.toMatchObject({ code: 'TRANSIENT' });
    jest.setSystemTime(Date.now() + 1);
    await adapter.connect();
    expect(adapter.health().breaker).toBe('closed');
    expect(adapter.phoneNumber?.id).toBe(emulator.phoneNumberId);
  });

  it('close() leaves no timers or sockets, after connect, push and webhooks, and may be called twice', async () => {
    await adapter.close();
    await new Promise((resolve) => setImmediate(resolve));
    const baseline = activeResources();
    const fresh = createWhatsAppAdapter({ credentials: parseWhatsAppCredentials(emulator.credentials()), graphBaseUrl: emulator.graphBaseUrl });
    await fresh.connect();
    const states: string[] = [];
    await fresh.startPush({ presence: () => undefined, connection: (state) => states.push(state) });
    fresh.receiveWebhook({ method: 'POST', headers: {}, rawBody: '{}' });
    await fresh.close();
    await fresh.close();
    expect(states).toEqual(['up', 'down']);
    expect(await connectionsAfterClose(emulator.server)).toBe(0);
    expect(await leaksAfterClose(baseline)).toEqual([]);
  });
});
