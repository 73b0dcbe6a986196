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
  sent: any[] = [];
  pings = 0;
  terminated = false;
  closedWith?: number;
  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }
  ping(): void {
    this.pings++;
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

  beforeEach(() => {
    jest.useFakeTimers();
    events = new PresenceEvents(new EventEmitter2());
    metrics = new MetricsService();
    const config = { tuning: { ...DEFAULT_TUNING, streamHeartbeatMs: 1000, streamMaxBufferedBytes: 500 } } as AppConfig;
    gateway = new PresenceStreamGateway(events, new SchedulerRegistry(), metrics, config);
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
    expect(alice.sent.at(-1)).toEqual({ type: 'subscribed', userIds: ['alice'] });
    presence('alice');
    presence('bob');
    events.emit('aggregate.changed', { userId: 'alice', status: 'online', available: true, decidedBy: 'slack' });
    events.emit('platform.changed', { platform: 'slack', state: 'degraded', breaker: 'open', lastError: null });
    expect(alice.sent.map((m) => m.type)).toEqual(['subscribed', 'presence', 'aggregate', 'platform']);
    expect(alice.sent[1]).toMatchObject({ userId: 'alice', platform: 'slack', presence: { status: 'online', lastUpdated: '1970-01-01T00:00:00.000Z' } });
    expect(other.sent).toEqual([{ type: 'platform', platform: 'slack', state: 'degraded', breaker: 'open', lastError: null }]);
    alice.frame({ type: 'unsubscribe', userIds: ['alice'] });
    presence('alice');
    expect(alice.sent.at(-1)).toEqual({ type: 'unsubscribed', userIds: ['alice'] });
  });

  it('drops a client whose unsent data passes the limit instead of buffering it', () => {
    const slow = connect();
    slow.frame({ type: 'subscribe', userIds: ['alice'] });
    slow.bufferedAmount = 600;
    presence('alice');
    expect(slow.terminated).toBe(true);
    expect(gateway.clientCount()).toBe(0);
    presence('alice');
    expect(slow.sent.filter((m) => m.type === 'presence')).toHaveLength(0);
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

  it('says goodbye with 1001 on shutdown', () => {
    const socket = connect();
    gateway.onModuleDestroy();
    expect(socket.closedWith).toBe(1001);
    expect(gateway.clientCount()).toBe(0);
  });
});
