import type { PresenceDocument } from '@amo/presence-contract';
import { WebSocket } from 'ws';
import { PresenceStream, type PresenceStreamEvents } from './stream';
import { ScriptedStreamServer } from './stream.spec-helper';

const document = (userId: string, status: PresenceDocument['status']): PresenceDocument => ({
  userId,
  status,
  available: status === 'online',
  decidedBy: 'slack', policy: 'highest-priority',
  platforms: { slack: { status, rawStatus: status, activity: null, customMessage: null, lastSeen: null, lastUpdated: '2026-12-01T10:00:00.000Z', stale: false } },
  updatedAt: '2026-12-01T10:00:00.000Z',
});

function record<K extends keyof PresenceStreamEvents>(stream: PresenceStream, event: K): PresenceStreamEvents[K][] {
  const seen: PresenceStreamEvents[K][] = [];
  stream.on(event, (payload) => seen.push(payload));
  return seen;
}

describe('PresenceStream against a scripted stream server', () => {
  let server: ScriptedStreamServer;
  let stream: PresenceStream;

  beforeEach(async () => {
    server = await ScriptedStreamServer.start();
    stream = new PresenceStream({ baseUrl: server.url, apiKey: 'key 1', WebSocket, random: () => 0 });
  });

  afterEach(async () => {
    stream.close();
    await server.close();
  });

  it('sends the key as ?token= by default, and as a header with auth: header', async () => {
    await stream.connect();
    const header = new PresenceStream({ baseUrl: server.url, apiKey: 'key-2', WebSocket, auth: 'header' });
    await header.connect();
    header.close();
    expect(server.requests).toEqual([
      { url: '/v1/stream?token=key%201', authorization: undefined },
      { url: '/v1/stream', authorization: 'Bearer key-2' },
    ]);
  });

  it('subscribes, applies the snapshots and changes, and emits them typed', async () => {
    const snapshots = record(stream, 'snapshot');
    const aggregates = record(stream, 'aggregate');
    stream.subscribe(['alice', 'zed']);
    await stream.connect();
    await server.until(() => server.frames.length === 1);
    expect(server.framesOn(0)).toEqual([{ type: 'subscribe', userIds: ['alice', 'zed'] }]);
    server.send(0, { type: 'subscribed', userIds: ['alice', 'zed'] });
    server.send(0, { type: 'snapshot', userId: 'alice', presence: document('alice', 'online') });
    server.send(0, { type: 'snapshot', userId: 'zed', presence: null });
    server.send(0, { type: 'aggregate', userId: 'alice', status: 'busy', previousStatus: 'online', available: false, decidedBy: 'zoom', policy: 'highest-priority' });
    await stream.once('aggregate');
    expect(snapshots.map((message) => [message.seq, message.userId])).toEqual([[2, 'alice'], [3, 'zed']]);
    expect(aggregates[0]).toMatchObject({ seq: 4, status: 'busy', previousStatus: 'online' });
    expect(stream.presences.get('alice')).toMatchObject({ status: 'busy', available: false, decidedBy: 'zoom', policy: 'highest-priority' });
    expect(stream.presences.get('zed')).toBeNull();
  });

  it('after a slow-consumer close (4001) reconnects, subscribes again and takes the fresh snapshot', async () => {
    const disconnected = record(stream, 'disconnected');
    const connected = record(stream, 'connected');
    stream.subscribeAll();
    stream.subscribe(['alice']);
    await stream.connect();
    await server.until(() => server.framesOn(0).length === 2);
    server.send(0, { type: 'snapshot', userId: 'alice', presence: document('alice', 'online') });
    await stream.once('snapshot');
    server.connections[0].close(4001, 'slow consumer: messages not read; reconnect and subscribe again');
    await server.until(() => server.framesOn(1).length === 2);
    expect(disconnected).toEqual([{ code: 4001, reason: 'slow consumer: messages not read; reconnect and subscribe again', reconnectInMs: 0 }]);
    expect(connected).toEqual([{ reconnect: false }, { reconnect: true }]);
    expect(server.framesOn(1)).toEqual([{ type: 'subscribe', all: true }, { type: 'subscribe', userIds: ['alice'] }]);
    server.send(1, { type: 'snapshot', userId: 'alice', presence: document('alice', 'away') });
    const fresh = await stream.once('snapshot');
    expect(fresh.seq).toBe(1);
    expect(stream.presences.get('alice')?.status).toBe('away');
  });

  it('subscribes again on the same connection when a seq is skipped', async () => {
    const gaps = record(stream, 'gap');
    stream.subscribe(['alice']);
    await stream.connect();
    await server.until(() => server.frames.length === 1);
    server.send(0, { type: 'subscribed', userIds: ['alice'] });
    server.send(0, { type: 'snapshot', userId: 'alice', presence: document('alice', 'online') }, 3);
    await server.until(() => server.frames.length === 2);
    expect(gaps).toEqual([{ expected: 2, received: 3 }]);
    expect(server.framesOn(0)).toEqual([
      { type: 'subscribe', userIds: ['alice'] },
      { type: 'subscribe', userIds: ['alice'] },
    ]);
    expect(server.connections).toHaveLength(1);
  });

  it('sends more than 1,000 ids in frames of 1,000, and unsubscribes', async () => {
    await stream.connect();
    const many = Array.from({ length: 2500 }, (_, i) => `p${i}`);
    stream.subscribe(many);
    stream.unsubscribe(['p1']);
    stream.unsubscribeAll();
    await server.until(() => server.frames.length === 5);
    expect(server.framesOn(0).map((frame) => frame.userIds?.length ?? frame.all)).toEqual([1000, 1000, 500, 1, true]);
    expect(server.framesOn(0).map((frame) => frame.type)).toEqual(['subscribe', 'subscribe', 'subscribe', 'unsubscribe', 'unsubscribe']);
  });

  it('opens one socket however often connect() is called', async () => {
    await Promise.all([stream.connect(), stream.connect()]);
    await stream.connect();
    expect(server.connections).toHaveLength(1);
  });

  it('does not reconnect after close()', async () => {
    await stream.connect();
    stream.close();
    await server.until(() => server.connections.length === 1);
    expect(await server.closed(0)).toBe(1000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.connections).toHaveLength(1);
    expect(stream.socket).toBeNull();
  });
});

describe('PresenceStream when it cannot connect', () => {
  it('rejects the first connect with the refusal and does not retry', async () => {
    const server = await ScriptedStreamServer.start({ refuse: 401 });
    const stream = new PresenceStream({ baseUrl: server.url, apiKey: 'bad', WebSocket, random: () => 0 });
    try {
      await expect(stream.connect()).rejects.toThrow(/401/);
      expect(stream.socket).toBeNull();
    } finally {
      stream.close();
      await server.close();
    }
  });

  it('waits longer after each failed reconnect: full jitter under a doubling ceiling', async () => {
    const server = await ScriptedStreamServer.start();
    const stream = new PresenceStream({ baseUrl: server.url, apiKey: 'k', WebSocket, random: () => 0.5, reconnect: { baseMs: 100, maxMs: 300 } });
    const delays: (number | null)[] = [];
    stream.on('disconnected', (event) => delays.push(event.reconnectInMs));
    await stream.connect();
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      await server.close();
      await stream.once('disconnected');
      for (const delay of [50, 100]) {
        const next = stream.once('disconnected');
        await jest.advanceTimersByTimeAsync(delay);
        await next;
      }
      expect(delays).toEqual([50, 100, 150]);
    } finally {
      stream.close();
      jest.useRealTimers();
    }
  });

  it('says what to do when there is no WebSocket class', async () => {
    const original = (globalThis as { WebSocket?: unknown }).WebSocket;
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    try {
      await expect(new PresenceStream({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' }).connect()).rejects.toThrow(/pass options.WebSocket/);
    } finally {
      if (original) (globalThis as { WebSocket?: unknown }).WebSocket = original;
    }
  });
});
