import { activeResources, connectionsAfterClose, type EmulatorReply, leaksAfterClose } from '@amo/presence-adapter-kit/testing';
import { LinkedInEmulator } from './testing';
import { createLinkedInAdapter, type LinkedInAdapter } from './linkedin.adapter';

/** Fake only Date (the breaker's cool-down clock); sockets and the kit's short backoff waits keep real timers. */
function fakeDateOnly(): void {
  jest.useFakeTimers({
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
}
const linkedinError = (status: number, serviceErrorCode: number, message: string): EmulatorReply => ({
  status,
  json: { status, serviceErrorCode, message },
});

/** The contract suite's failure checks, applied where LinkedIn makes its only call: connect() -> userinfo. */
describe('LinkedInAdapter.connect() failure mapping', () => {
  let emulator: LinkedInEmulator;
  let adapter: LinkedInAdapter;

  beforeEach(async () => {
    emulator = await LinkedInEmulator.start();
    adapter = createLinkedInAdapter({
      credentials: { accessToken: emulator.issueToken().accessToken },
      apiBaseUrl: emulator.apiBaseUrl,
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

  const calls = (): number => emulator.server.requestsTo('/v2/userinfo', 'GET').length;

  it.each<[string, string, number, EmulatorReply]>([
    ['401 (65600)', 'AUTH_INVALID', 1, linkedinError(401, 65600, 'Invalid access token')],
    ['403 (100)', 'PERMISSION_DENIED', 1, linkedinError(403, 100, 'Not enough permissions to access: userinfo.GET.NO_VERSION')],
    ['500', 'TRANSIENT', 2, linkedinError(500, 0, 'Internal Server Error')],
  ])('maps %s to %s (%d request(s))', async (_label, code, requests, reply) => {
    emulator.server.faults.failNext(Infinity, reply);
    await expect(adapter.connect()).rejects.toMatchObject({ code, platform: 'linkedin' });
    expect(calls()).toBe(requests);
  });

  it('maps a throttle storm to RATE_LIMITED with retryAfterMs', async () => {
    emulator.server.faults.rateLimitNext(Infinity, 0);
    await expect(adapter.connect()).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 0 });
  });

  it('maps timeouts and connection resets to TRANSIENT after a retry, malformed JSON to PROTOCOL', async () => {
    emulator.server.faults.delayNext(Infinity, 600);
    await expect(adapter.connect()).rejects.toMatchObject({ code: 'TRANSIENT' });
    emulator.server.reset();
    emulator.server.faults.dropNext(Infinity);
    await expect(adapter.connect()).rejects.toMatchObject({ code: 'TRANSIENT' });
    expect(calls()).toBe(2);
    emulator.server.reset();
    emulator.server.faults.malformedNext(Infinity);
    await expect(adapter.connect()).rejects.toMatchObject({ code: 'PROTOCOL' });
  });

  it('recovers after an outage once the breaker lets a trial call through', async () => {
    fakeDateOnly();
    emulator.server.faults.failNext(Infinity, { status: 503, json: { status: 503, message: 'down' } });
    for (let i = 0; i < 3; i++) await expect(adapter.connect()).rejects.toMatchObject({ code: 'TRANSIENT' });
    expect(adapter.health().breaker).toBe('open');
    emulator.server.faults.clear();
    jest.setSystemTime(Date.now() + 99);
    await expect(adapter.connect()).rejects.toMatchObject({ code: 'TRANSIENT' });
    jest.setSystemTime(Date.now() + 1);
    await adapter.connect();
    expect(adapter.health().breaker).toBe('closed');
    expect(adapter.connectedMember?.sub).toBe('yrZCpj2ZYQ');
  });

  it('close() leaves no timers or sockets, after connect, push and webhooks, and may be called twice', async () => {
    await adapter.close();
    await new Promise((resolve) => setImmediate(resolve));
    const baseline = activeResources();
    const fresh = createLinkedInAdapter({ credentials: { clientSecret: emulator.clientSecret, accessToken: emulator.issueToken().accessToken }, apiBaseUrl: emulator.apiBaseUrl });
    await fresh.connect();
    await fresh.startPush({ presence: () => undefined, connection: () => undefined });
    fresh.receiveWebhook({ method: 'GET', headers: {}, query: { challengeCode: 'c' } });
    await fresh.close();
    await fresh.close();
    expect(await connectionsAfterClose(emulator.server)).toBe(0);
    expect(await leaksAfterClose(baseline)).toEqual([]);
  });
});
