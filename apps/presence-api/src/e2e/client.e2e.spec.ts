import { PresenceApiError, PresenceClient, PresenceStream, type PresenceStreamEvents } from '@amo/presence-client';
import { WebSocket } from 'ws';
import { PresenceStreamGateway } from '../stream/presence-stream.gateway';
import { ADMIN_TOKEN, bootService, eventually, type RunningService, tempDir } from './harness.spec-helper';

/** Every payload of `event` the stream emits from now on. */
function record<K extends keyof PresenceStreamEvents>(stream: PresenceStream, event: K): PresenceStreamEvents[K][] {
  const seen: PresenceStreamEvents[K][] = [];
  stream.on(event, (payload) => seen.push(payload));
  return seen;
}

/** The server's side of every open stream connection: closing one is the server dropping a client. */
function serverSockets(service: RunningService): WebSocket[] {
  const gateway = service.app.get(PresenceStreamGateway) as unknown as { clients: Map<WebSocket, unknown> };
  return [...gateway.clients.keys()];
}

describe('@amo/presence-client against the real service', () => {
  const dir = tempDir();
  let service: RunningService;
  let client: PresenceClient;
  const streams: PresenceStream[] = [];

  const openStream = (options: Partial<ConstructorParameters<typeof PresenceStream>[0]> = {}): PresenceStream => {
    const stream = new PresenceStream({ baseUrl: service.url, apiKey: ADMIN_TOKEN, WebSocket, auth: 'header', ...options });
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    // A small send buffer, so subscribing to everyone at once overflows it (raised again by the slow-consumer test).
    service = await bootService({ dataDir: dir.path, env: { PRESENCE_RATE_LIMIT: '100' }, tuning: { streamMaxBufferedBytes: 1024 * 1024 } });
    client = new PresenceClient({ baseUrl: service.url, apiKey: ADMIN_TOKEN });
    const people = Array.from({ length: 30 }, (_, index) => ({ userId: `p${String(index).padStart(2, '0')}`, identities: { whatsapp: `1555000${index}` } }));
    await client.linkIdentitiesBatch({ people: [{ userId: 'alice', identities: { slack: 'U-ALICE', zoom: 'z-alice' } }, ...people] });
  });

  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });

  afterAll(async () => {
    await service?.close();
    dir.remove();
  });

  it('reads presence, availability and people with the contract types', async () => {
    const alice = await client.getPresence('alice');
    expect(alice).toMatchObject({ userId: 'alice', status: 'unknown', available: false, decidedBy: null });
    expect(alice.platforms.zoom).toMatchObject({ status: 'unknown', lastUpdated: null, stale: true });
    expect(await client.getIdentities('alice')).toEqual({ slack: 'U-ALICE', zoom: 'z-alice' });
    expect(await client.checkAvailability(['alice', 'nobody'], { details: true })).toMatchObject({
      availability: { alice: false, nobody: false },
      details: { alice: { status: 'unknown', decidedBy: null } },
    });
    const batch = await client.getPresenceBatch(['alice', 'nobody']);
    expect(batch.presences.alice).toEqual(alice);
    expect(batch.notFound).toEqual(['nobody']);
    const users = await client.listAllUsers(7);
    expect(users).toHaveLength(31);
    expect(users.find((user) => user.userId === 'alice')?.platforms.sort()).toEqual(['slack', 'zoom']);
    expect((await client.getHealth()).status).toBe('ok');
  });

  it('throws PresenceApiError with the status, code, details and request id', async () => {
    const notFound = await client.getPresence('nobody').catch((error: unknown) => error);
    expect(notFound).toBeInstanceOf(PresenceApiError);
    expect(notFound).toMatchObject({ status: 404, code: 'NOT_FOUND', requestId: expect.any(String) });

    const invalid = (await client.checkAvailability([]).catch((error: unknown) => error)) as PresenceApiError;
    expect(invalid).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(invalid.details?.[0]?.path).toMatch(/userIds/);

    const { key } = await client.createApiKey({ name: 'reader', scopes: ['read'] });
    const reader = new PresenceClient({ baseUrl: service.url, apiKey: key });
    await expect(reader.listPlatforms()).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
    await expect(new PresenceClient({ baseUrl: service.url, apiKey: 'amo_not-a-key-000000000000' }).getStats()).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHORIZED',
    });
  });

  it('gives the wait of a 429 as retryAfterMs', async () => {
    const { key } = await client.createApiKey({ name: 'busy', scopes: ['read'] });
    const busy = new PresenceClient({ baseUrl: service.url, apiKey: key });
    // All at once: one after another, a slow machine lets the per-minute bucket refill between calls.
    const outcomes = await Promise.all(Array.from({ length: 120 }, () => busy.getStats().then(() => undefined, (error: unknown) => error)));
    const limited = outcomes.find((outcome) => outcome !== undefined);
    expect(limited).toBeInstanceOf(PresenceApiError);
    expect(limited).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect((limited as PresenceApiError).retryAfterMs).toBeGreaterThan(0);
  });

  it('starts a subscription with snapshots, and after the server drops the socket reconnects, resubscribes and gets fresh ones', async () => {
    const stream = openStream({ random: () => 1, reconnect: { baseMs: 30_000 } });
    const disconnected = record(stream, 'disconnected');
    stream.subscribe(['alice', 'nobody']);
    const firstSnapshots = stream.once('snapshot', (message) => message.userId === 'nobody');
    await stream.connect();
    await firstSnapshots;
    expect(stream.presences.get('alice')?.platforms.slack).toMatchObject({ status: 'unknown' });
    expect(stream.presences.get('nobody')).toBeNull();

    // The reconnect waits on fake time, so "nobody" is linked while the client is surely away: only a fresh
    // snapshot can tell it.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'Date', 'performance', 'hrtime'] });
    try {
      const dropped = stream.once('disconnected');
      for (const socket of serverSockets(service)) socket.terminate();
      expect(await dropped).toMatchObject({ code: 1006, reconnectInMs: 30_000 });
      await client.linkIdentities('nobody', { zoom: 'z-nobody' });
      const fresh = stream.once('snapshot', (message) => message.userId === 'nobody');
      await jest.advanceTimersByTimeAsync(30_000);
      jest.useRealTimers();
      const snapshot = await fresh;
      expect(snapshot.seq).toBeLessThanOrEqual(3);
      expect(snapshot.presence?.platforms.zoom).toMatchObject({ status: 'unknown', lastUpdated: null });
      expect(stream.presences.get('nobody')?.platforms.zoom).toMatchObject({ status: 'unknown', lastUpdated: null });
      expect(disconnected).toHaveLength(1);
    } finally {
      jest.useRealTimers();
      await client.erasePerson('nobody');
    }
  });

  it('after a slow-consumer close (4001) reconnects and gets everyone again', async () => {
    // 1,000 more people make each full snapshot about 300 KB, so a few requests for it fill the kernel's buffers.
    const crowd = Array.from({ length: 1000 }, (_, index) => ({ userId: `c${String(index).padStart(4, '0')}`, identities: { whatsapp: `4917000${index}` } }));
    await client.linkIdentitiesBatch({ people: crowd });
    service.config.tuning.streamMaxBufferedBytes = 64 * 1024;
    const stream = openStream({ random: () => 0 });
    const closes = record(stream, 'disconnected');
    stream.on('disconnected', (event) => {
      if (event.code === 4001) service.config.tuning.streamMaxBufferedBytes = 1024 * 1024;
    });
    stream.subscribeAll();
    await stream.connect();
    await stream.once('snapshot', (message) => message.userId === 'c0999');

    // A client that stops reading while it asks for everyone's snapshot again (well inside the server's frame
    // rate limit): once the kernel's buffers are full, the server's unsent data passes the bound and it drops it.
    const socket = stream.socket as unknown as WebSocket;
    socket.pause();
    for (let frame = 0; frame < 40; frame++) socket.send(JSON.stringify({ type: 'subscribe', all: true }));
    await eventually(() => serverSockets(service).length === 0, 10_000);
    const reconnected = stream.once('connected', (event) => event.reconnect);
    socket.resume();
    await reconnected;
    await stream.once('snapshot', (message) => message.userId === 'c0999');
    expect(closes).toEqual([{ code: 4001, reason: expect.stringMatching(/^slow consumer/), reconnectInMs: 0 }]);
    expect(stream.presences.size).toBe(1031);
  });
});
