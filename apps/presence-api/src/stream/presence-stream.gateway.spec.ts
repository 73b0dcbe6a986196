import { PresenceAggregator } from '@amo/presence-core';
import { EventEmitter } from 'node:events';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { SchedulerRegistry } from '@nestjs/schedule';
import { WebSocket } from 'ws';
import { DEFAULT_TUNING, type AppConfig } from '../config/app-config';
import { PresenceEvents } from '../events/presence-events';
import { MetricsService } from '../metrics/metrics.service';
import { PresenceStreamGateway } from './presence-stream.gateway';
import type { StreamRequest } from './stream-ws.adapter';

/** The network edge only: a socket whose buffer and liveness the test controls. */
class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  pings = 0;
  terminated = false;
  paused = false;
  closedWith?: number;
  /** Messages as the server sent them, without the per-connection envelope (checked on its own). */
  sent: any[] = [];
  envelopes: { seq: number; at: string }[] = [];
  send(text: string): void {
    const { seq, at, ...message } = JSON.parse(text);
    this.envelopes.push({ seq, at });
    this.sent.push(message);
  }
  ping(): void {
    this.pings++;
  }
  pause(): void {
    this.paused = true;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = WebSocket.CLOSED;
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = WebSocket.CLOSING;
  }
  frame(data: unknown): void {
    this.emit('message', Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)), false);
  }
}

const principal = { keyId: 'k', name: 'reader', scopes: ['read' as const] };

describe('PresenceStreamGateway', () => {
  let events: PresenceEvents;
  let gateway: PresenceStreamGateway;
  let metrics: MetricsService;
  let aggregator: PresenceAggregator;
  const clock = { now: () => Date.parse('2026-03-02T09:00:00Z') };

  beforeEach(() => {
    jest.useFakeTimers();
    events = new PresenceEvents(new EventEmitter2());
    metrics = new MetricsService();
    aggregator = new PresenceAggregator({ clock, consentDefault: true });
    const config = { tuning: { ...DEFAULT_TUNING, streamHeartbeatMs: 1000, streamMaxBufferedBytes: 500 } } as AppConfig;
    gateway = new PresenceStreamGateway(events, new SchedulerRegistry(), metrics, aggregator, config, clock);
    gateway.onModuleInit();
  });

  afterEach(() => {
    gateway.onModuleDestroy();
    jest.useRealTimers();
  });

  function connect(): FakeSocket {
    const socket = new FakeSocket();
    gateway.handleConnection(socket as unknown as WebSocket, { principal } as StreamRequest);
    return socket;
  }

  const presence = (userId: string) =>
    events.emit('presence.changed', { userId, platform: 'slack', presence: { userId, platform: 'slack', status: 'online', lastUpdated: new Date(0) } });

  it('closes a connection that arrives without a principal', () => {
    const socket = new FakeSocket();
    gateway.handleConnection(socket as unknown as WebSocket, {} as StreamRequest);
    expect(socket.closedWith).toBe(1008);
    expect(gateway.clientCount()).toBe(0);
  });

  it('sends presence and aggregates only for subscribed people, platform changes to everyone', () => {
    const alice = connect();
    const other = connect();
    alice.frame({ type: 'subscribe', userIds: ['alice', 'alice'] });
    expect(alice.sent[0]).toEqual({ type: 'subscribed', userIds: ['alice'] });
    presence('alice');
    presence('bob');
    events.emit('aggregate.changed', { userId: 'alice', status: 'online', previousStatus: 'away', available: true, decidedBy: 'slack', policy: 'highest-priority' });
    events.emit('platform.changed', { platform: 'slack', state: 'degraded', breaker: 'open', lastError: null });
    expect(alice.sent.map((m) => m.type)).toEqual(['subscribed', 'snapshot', 'presence', 'aggregate', 'platform']);
    expect(alice.sent[1]).toEqual({ type: 'snapshot', userId: 'alice', presence: null });
    expect(alice.sent[2]).toMatchObject({ userId: 'alice', platform: 'slack', presence: { status: 'online', lastUpdated: '1970-01-01T00:00:00.000Z' } });
    expect(other.sent).toEqual([{ type: 'platform', platform: 'slack', state: 'degraded', breaker: 'open', lastError: null }]);
    alice.frame({ type: 'unsubscribe', userIds: ['alice'] });
    presence('alice');
    expect(alice.sent.at(-1)).toEqual({ type: 'unsubscribed', userIds: ['alice'] });
  });

  it('closes a client whose unsent data passes the limit with 4001 instead of buffering it', () => {
    const slow = connect();
    slow.frame({ type: 'subscribe', userIds: ['alice'] });
    slow.bufferedAmount = 600;
    presence('alice');
    expect(slow.closedWith).toBe(4001);
    expect(gateway.clientCount()).toBe(0);
    jest.advanceTimersByTime(1_000);
    expect(slow.terminated).toBe(true);
    presence('alice');
    expect(slow.sent.filter((m) => m.type === 'presence')).toHaveLength(0);
  });

  it('numbers every message per connection and stamps it with the time it was made', () => {
    const one = connect();
    const two = connect();
    two.frame({ type: 'subscribe', userIds: ['bob'] });
    one.frame({ type: 'subscribe', userIds: ['alice'] });
    events.emit('platform.changed', { platform: 'slack', state: 'up', breaker: 'closed', lastError: null });
    expect(one.envelopes.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(two.envelopes.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(new Set(one.envelopes.map((e) => e.at))).toEqual(new Set(['2026-03-02T09:00:00.000Z']));
  });

  it('starts a subscription with the current state: the same document as GET /v1/presence, null for an unknown id', () => {
    aggregator.directory.link('alice', 'slack', 'U1');
    aggregator.ingest('slack', [{ platform: 'slack', accountId: 'U1', status: 'online', observedAt: new Date(clock.now()) }]);
    const client = connect();
    client.frame({ type: 'subscribe', userIds: ['alice', 'nobody'] });
    expect(client.sent).toEqual([
      { type: 'subscribed', userIds: ['alice', 'nobody'] },
      {
        type: 'snapshot',
        userId: 'alice',
        presence: expect.objectContaining({ userId: 'alice', status: 'online', available: true, decidedBy: 'slack', platforms: { slack: expect.objectContaining({ status: 'online', stale: false }) } }),
      },
      { type: 'snapshot', userId: 'nobody', presence: null },
    ]);
  });

  it('subscribes to everyone with all: true, the snapshot sent in bounded chunks, then every change', () => {
    for (let i = 0; i < 600; i++) aggregator.directory.link(`p${i}`, 'slack', `U${i}`);
    const client = connect();
    client.frame({ type: 'subscribe', all: true });
    expect(client.sent[0]).toEqual({ type: 'subscribed', all: true });
    expect(client.sent.filter((m) => m.type === 'snapshot')).toHaveLength(250);
    // Each further chunk waits for a later turn of the event loop (setImmediate).
    jest.advanceTimersByTime(1);
    const snapshots = client.sent.filter((m) => m.type === 'snapshot');
    expect(snapshots).toHaveLength(600);
    expect(new Set(snapshots.map((m) => m.userId)).size).toBe(600);
    presence('p7');
    expect(client.sent.at(-1)).toMatchObject({ type: 'presence', userId: 'p7' });
    client.frame({ type: 'unsubscribe', all: true });
    presence('p7');
    expect(client.sent.at(-1)).toEqual({ type: 'unsubscribed', all: true });
  });

  it('refuses a subscribe frame with both userIds and all, or neither', () => {
    const client = connect();
    client.frame({ type: 'subscribe', userIds: ['a'], all: true });
    client.frame({ type: 'subscribe' });
    expect(client.sent.map((m) => m.error?.code)).toEqual(['INVALID_FRAME', 'INVALID_FRAME']);
  });

  it('pings every interval and drops a client that did not answer the previous ping', () => {
    const live = connect();
    const dead = connect();
    jest.advanceTimersByTime(1000);
    expect([live.pings, dead.pings]).toEqual([1, 1]);
    live.emit('pong');
    jest.advanceTimersByTime(1000);
    expect(live.terminated).toBe(false);
    expect(dead.terminated).toBe(true);
    expect(live.pings).toBe(2);
  });

  it('refuses more than 10,000 subscriptions on one connection', () => {
    const greedy = connect();
    for (let batch = 0; batch < 10; batch++) {
      greedy.frame({ type: 'subscribe', userIds: Array.from({ length: 1000 }, (_, i) => `u${batch}-${i}`) });
    }
    greedy.frame({ type: 'subscribe', userIds: ['one-more'] });
    expect(greedy.sent.at(-1)).toMatchObject({ type: 'error', error: { code: 'TOO_MANY_SUBSCRIPTIONS' } });
  });

  it('answers at most 5 bad frames at once and 1 a second after that; the rest go unanswered', () => {
    const client = connect();
    for (let i = 0; i < 40; i++) client.frame('x');
    expect(client.sent.filter((m) => m.type === 'error')).toHaveLength(5);
    jest.advanceTimersByTime(1_000);
    for (let i = 0; i < 10; i++) client.frame('x');
    expect(client.sent.filter((m) => m.type === 'error')).toHaveLength(6);
    expect(client.closedWith).toBeUndefined();
    client.frame({ type: 'subscribe', userIds: ['alice'] });
    expect(client.sent.at(-2)).toEqual({ type: 'subscribed', userIds: ['alice'] });
  });

  it('closes a client that sends more than 100 frames at once, or more than 50 a second, with 4002 and stops reading it', () => {
    const steady = connect();
    for (let second = 0; second < 5; second++) {
      for (let i = 0; i < 50; i++) steady.frame({ type: 'unsubscribe', userIds: ['alice'] });
      steady.emit('pong');
      jest.advanceTimersByTime(1_000);
    }
    expect(steady.closedWith).toBeUndefined();
    expect(steady.sent).toHaveLength(250);

    const flooder = connect();
    for (let i = 0; i < 100; i++) flooder.frame('x');
    expect(flooder.closedWith).toBeUndefined();
    flooder.frame('x');
    expect(flooder.closedWith).toBe(4002);
    expect(flooder.paused).toBe(true);
    expect(flooder.listenerCount('message')).toBe(0);
    expect(gateway.clientCount()).toBe(1);
    expect(flooder.sent.filter((m) => m.type === 'error')).toHaveLength(5);
    jest.advanceTimersByTime(1_000);
    expect(flooder.terminated).toBe(true);
  });

  it('refuses user ids that break core’s id rule, naming the character', () => {
    const client = connect();
    client.frame({ type: 'subscribe', userIds: ['alice', 'a\u0000b'] });
    client.frame({ type: 'subscribe', userIds: ['a\ud800'] });
    expect(client.sent).toEqual([
      { type: 'error', error: { code: 'INVALID_FRAME', message: 'userIds.1: user id must be printable text: a control character (U+0000) at position 1' } },
      { type: 'error', error: { code: 'INVALID_FRAME', message: 'userIds.0: user id must be printable text: a lone surrogate (U+D800) at position 1' } },
    ]);
  });

  it('says goodbye with 1001 on shutdown', () => {
    const socket = connect();
    gateway.onModuleDestroy();
    expect(socket.closedWith).toBe(1001);
    expect(gateway.clientCount()).toBe(0);
  });
});
