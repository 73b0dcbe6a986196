import { type Clock, PresenceAggregator } from '@amo/presence-core';
import { Inject, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { type OnGatewayConnection, type OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import { WebSocket } from 'ws';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PresenceEvents, type PresenceEventMap } from '../events/presence-events';
import { AWAITING_VIEW, personView, presenceView } from '../http/presence-view';
import { isoTime } from '../http/iso-time';
import { MetricsService } from '../metrics/metrics.service';
import { CLOCK } from '../presence/clock.provider';
import { FrameGuard } from './frame-guard';
import { FRAME_BURST, FRAMES_PER_SECOND, MAX_SUBSCRIPTIONS_PER_CLIENT, parseClientFrame, SNAPSHOT_CHUNK, STREAM_CLOSE } from './stream-protocol';
import type { StreamRequest } from './stream-ws.adapter';

interface ClientState {
  alive: boolean;
  userIds: Set<string>;
  /** Subscribed to every person (`all: true`). */
  all: boolean;
  /** The last `seq` sent on this connection. */
  seq: number;
  /** Its frame and error-answer budgets. */
  guard: FrameGuard;
}

const HEARTBEAT = 'stream:heartbeat';
/** How long a slow consumer gets to take its close frame before the socket is destroyed. */
const CLOSE_GRACE_MS = 1_000;
const FRAME_BURST_TEXT = `${FRAME_BURST} frames at once or ${FRAMES_PER_SECOND} a second`;

/**
 * ws://host/v1/stream (CONTRACT). Clients subscribe to people (or to everyone); each subscription starts with a
 * `snapshot` of the person's current state, then `presence` and `aggregate` changes follow; `platform` goes to
 * everyone. Every server message carries `seq` (increasing per connection) and `at`. Pings find dead clients; a
 * client that cannot keep up is closed with 4001 rather than buffered without bound; a bad frame gets an
 * `error` message and nothing else (at most 5 at once and 1 a second; further bad frames go unanswered); a
 * client that sends more than 50 frames a second after a burst of 100 is closed with 4002 and no longer read.
 */
// One message per event-loop turn: a burst of tiny frames is parsed between other work, never in one long run.
@WebSocketGateway({ path: '/v1/stream', maxPayload: 256 * 1024, allowSynchronousEvents: false })
export class PresenceStreamGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Stream');
  private readonly clients = new Map<WebSocket, ClientState>();
  private readonly subscribers = new Map<string, Set<WebSocket>>();
  private readonly everyone = new Set<WebSocket>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly events: PresenceEvents,
    private readonly registry: SchedulerRegistry,
    private readonly metrics: MetricsService,
    private readonly aggregator: PresenceAggregator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    const presence = ({ userId, platform, presence }: PresenceEventMap['presence.changed']): void =>
      this.toSubscribers(userId, { type: 'presence', userId, platform, presence: presenceView(presence) });
    const aggregate = ({ userId, status, previousStatus, available, decidedBy, policy }: PresenceEventMap['aggregate.changed']): void =>
      this.toSubscribers(userId, { type: 'aggregate', userId, status, previousStatus, available, decidedBy, policy });
    this.unsubscribe.push(
      // In a cluster a change reaches this instance's clients once, whichever instance received it.
      this.events.on('presence.changed', presence),
      this.events.on('cluster.presence.changed', presence),
      this.events.on('presence.awaiting', ({ userId, platforms }) => {
        for (const platform of platforms) this.toSubscribers(userId, { type: 'presence', userId, platform, presence: AWAITING_VIEW });
      }),
      this.events.on('aggregate.changed', aggregate),
      this.events.on('cluster.aggregate.changed', aggregate),
      this.events.on('platform.changed', (change) => this.toEveryone({ type: 'platform', ...change })),
    );
    const heartbeat = setInterval(() => this.heartbeat(), this.config.tuning.streamHeartbeatMs);
    heartbeat.unref();
    this.registry.addInterval(HEARTBEAT, heartbeat);
  }

  handleConnection(client: WebSocket, request: StreamRequest): void {
    if (!request?.principal) {
      client.close(1008, 'unauthorized');
      return;
    }
    const state: ClientState = { alive: true, userIds: new Set(), all: false, seq: 0, guard: new FrameGuard(performance.now()) };
    this.clients.set(client, state);
    this.metrics.streamClients.set(this.clients.size);
    client.on('pong', () => {
      state.alive = true;
    });
    client.on('message', (data, isBinary) => this.onFrame(client, state, data, isBinary));
  }

  handleDisconnect(client: WebSocket): void {
    this.drop(client);
  }

  /** Graceful shutdown: tell every client we are going away, then let the adapter close the server. */
  onModuleDestroy(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
    if (this.registry.doesExist('interval', HEARTBEAT)) this.registry.deleteInterval(HEARTBEAT);
    for (const client of [...this.clients.keys()]) {
      client.close(1001, 'server shutting down');
      this.drop(client);
    }
  }

  clientCount(): number {
    return this.clients.size;
  }

  private onFrame(client: WebSocket, state: ClientState, data: unknown, isBinary: boolean): void {
    if (!this.clients.has(client)) return;
    // Real time, not the service clock: the budget protects this process's CPU, whatever time the service runs on.
    const now = performance.now();
    if (!state.guard.admitFrame(now)) {
      this.dropFlooding(client, state);
      return;
    }
    const result = parseClientFrame(data, isBinary);
    if (!result.ok) {
      if (state.guard.mayAnswerError(now)) this.send(client, { type: 'error', error: { code: result.code, message: result.message } });
      return;
    }
    const frame = result.frame;
    if (frame.type === 'subscribe') this.subscribe(client, state, frame.userIds, frame.all === true);
    else this.unsubscribeFrame(client, state, frame.userIds);
  }

  private subscribe(client: WebSocket, state: ClientState, userIds: string[] | undefined, all: boolean): void {
    if (all) {
      state.all = true;
      this.everyone.add(client);
      this.send(client, { type: 'subscribed', all: true });
      this.snapshotInChunks(client, this.aggregator.directory.people());
      return;
    }
    const ids = [...new Set(userIds)];
    const adding = ids.filter((userId) => !state.userIds.has(userId));
    if (state.userIds.size + adding.length > MAX_SUBSCRIPTIONS_PER_CLIENT) {
      this.send(client, {
        type: 'error',
        error: { code: 'TOO_MANY_SUBSCRIPTIONS', message: `at most ${MAX_SUBSCRIPTIONS_PER_CLIENT} people per connection` },
      });
      return;
    }
    for (const userId of adding) {
      state.userIds.add(userId);
      let set = this.subscribers.get(userId);
      if (!set) this.subscribers.set(userId, (set = new Set()));
      set.add(client);
    }
    this.send(client, { type: 'subscribed', userIds: ids });
    // At most 1,000 ids a frame: one tick is enough.
    for (const userId of ids) this.send(client, this.snapshotOf(userId));
  }

  private unsubscribeFrame(client: WebSocket, state: ClientState, userIds: string[] | undefined): void {
    if (userIds === undefined) {
      state.all = false;
      this.everyone.delete(client);
      this.send(client, { type: 'unsubscribed', all: true });
      return;
    }
    for (const userId of userIds) this.unsubscribeOne(client, state, userId);
    this.send(client, { type: 'unsubscribed', userIds: [...new Set(userIds)] });
  }

  /** The same document as GET /v1/presence/{userId}, or null for a person the service does not know. */
  private snapshotOf(userId: string): object {
    const presence = this.aggregator.directory.has(userId) ? personView(this.aggregator.explain(userId)) : null;
    return { type: 'snapshot', userId, presence };
  }

  /** Everyone's snapshot, a bounded chunk per tick; a client that left (or fell behind) stops it. */
  private snapshotInChunks(client: WebSocket, people: readonly string[], from = 0): void {
    const state = this.clients.get(client);
    if (!state?.all) return;
    const end = Math.min(people.length, from + SNAPSHOT_CHUNK);
    for (let i = from; i < end; i++) {
      if (!this.send(client, this.snapshotOf(people[i]))) return;
    }
    if (end < people.length) setImmediate(() => this.snapshotInChunks(client, people, end));
  }

  private toSubscribers(userId: string, message: object): void {
    const set = this.subscribers.get(userId);
    if (!set && this.everyone.size === 0) return;
    const body = JSON.stringify(message);
    const at = this.now();
    if (set) for (const client of [...set]) this.sendBody(client, body, at);
    for (const client of [...this.everyone]) if (!set?.has(client)) this.sendBody(client, body, at);
  }

  private toEveryone(message: object): void {
    const body = JSON.stringify(message);
    const at = this.now();
    for (const client of [...this.clients.keys()]) this.sendBody(client, body, at);
  }

  private send(client: WebSocket, message: object): boolean {
    return this.sendBody(client, JSON.stringify(message), this.now());
  }

  /** The envelope's `at`, on every message: from the per-minute text the presence views use. */
  private now(): string {
    return isoTime(this.clock.now());
  }

  /**
   * Sends one message with this connection's next `seq` and the time it was made. The body is serialized once
   * for all recipients; only the envelope is per connection. Returns false when the client is gone or dropped.
   */
  private sendBody(client: WebSocket, body: string, at: string): boolean {
    const state = this.clients.get(client);
    if (!state || client.readyState !== WebSocket.OPEN) return false;
    // What the client has not taken yet, not this message's size: an idle client may receive a large ack.
    if (client.bufferedAmount > this.config.tuning.streamMaxBufferedBytes) {
      this.dropSlow(client);
      return false;
    }
    state.seq++;
    client.send(`{"seq":${state.seq},"at":"${at}",${body.slice(1)}`);
    return true;
  }

  /** Closed with a code that says why (4001), so the client knows to reconnect and resubscribe. */
  private dropSlow(client: WebSocket): void {
    this.logger.warn('closing a stream client that is not reading its messages (4001)');
    this.metrics.streamDropped.inc({ reason: 'slow' });
    this.drop(client);
    client.close(STREAM_CLOSE.slowConsumer.code, STREAM_CLOSE.slowConsumer.reason);
    // Its buffer is full: the close frame may never be read. Do not wait for it for long.
    setTimeout(() => client.terminate(), CLOSE_GRACE_MS).unref();
  }

  /**
   * Closed with 4002 and no longer read: what is already buffered is parsed by `ws` but reaches no handler, and
   * the socket is destroyed after the grace period whether or not the client answers the close.
   */
  private dropFlooding(client: WebSocket, state: ClientState): void {
    this.logger.warn(`closing a stream client that sent more than ${FRAME_BURST_TEXT} (4002); ${state.guard.unanswered} bad frames went unanswered`);
    this.metrics.streamDropped.inc({ reason: 'flood' });
    this.drop(client);
    client.removeAllListeners('message');
    client.close(STREAM_CLOSE.tooManyFrames.code, STREAM_CLOSE.tooManyFrames.reason);
    client.pause();
    setTimeout(() => client.terminate(), CLOSE_GRACE_MS).unref();
  }

  private heartbeat(): void {
    for (const [client, state] of [...this.clients]) {
      if (!state.alive) {
        this.metrics.streamDropped.inc({ reason: 'unresponsive' });
        client.terminate();
        this.drop(client);
        continue;
      }
      state.alive = false;
      if (client.readyState === WebSocket.OPEN) client.ping();
    }
  }

  private unsubscribeOne(client: WebSocket, state: ClientState, userId: string): void {
    state.userIds.delete(userId);
    const set = this.subscribers.get(userId);
    set?.delete(client);
    if (set?.size === 0) this.subscribers.delete(userId);
  }

  private drop(client: WebSocket): void {
    const state = this.clients.get(client);
    if (!state) return;
    for (const userId of [...state.userIds]) this.unsubscribeOne(client, state, userId);
    this.everyone.delete(client);
    this.clients.delete(client);
    this.metrics.streamClients.set(this.clients.size);
  }
}
