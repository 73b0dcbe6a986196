import { Inject, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { type OnGatewayConnection, type OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import { WebSocket } from 'ws';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PresenceEvents } from '../events/presence-events';
import { AWAITING_VIEW, presenceView } from '../http/presence-view';
import { MetricsService } from '../metrics/metrics.service';
import { MAX_SUBSCRIPTIONS_PER_CLIENT, parseClientFrame } from './stream-protocol';
import type { StreamRequest } from './stream-ws.adapter';

interface ClientState {
  alive: boolean;
  userIds: Set<string>;
}

const HEARTBEAT = 'stream:heartbeat';

/**
 * ws://host/v1/stream (CONTRACT). Clients subscribe to people; they hear `presence` and `aggregate` for
 * those people and `platform` for everyone. Pings find dead clients; a client that cannot keep up is
 * dropped rather than buffered without bound; a bad frame gets an `error` message and nothing else.
 */
@WebSocketGateway({ path: '/v1/stream', maxPayload: 256 * 1024 })
export class PresenceStreamGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Stream');
  private readonly clients = new Map<WebSocket, ClientState>();
  private readonly subscribers = new Map<string, Set<WebSocket>>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly events: PresenceEvents,
    private readonly registry: SchedulerRegistry,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.unsubscribe.push(
      this.events.on('presence.changed', ({ userId, platform, presence }) =>
        this.toSubscribers(userId, { type: 'presence', userId, platform, presence: presenceView(presence) }),
      ),
      this.events.on('presence.awaiting', ({ userId, platforms }) => {
        for (const platform of platforms) this.toSubscribers(userId, { type: 'presence', userId, platform, presence: AWAITING_VIEW });
      }),
      this.events.on('aggregate.changed', ({ userId, status, available, decidedBy }) =>
        this.toSubscribers(userId, { type: 'aggregate', userId, status, available, decidedBy }),
      ),
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
    const state: ClientState = { alive: true, userIds: new Set() };
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
    const result = parseClientFrame(data, isBinary);
    if (!result.ok) {
      this.send(client, { type: 'error', error: { code: result.code, message: result.message } });
      return;
    }
    const { type, userIds } = result.frame;
    if (type === 'subscribe') {
      const adding = userIds.filter((userId) => !state.userIds.has(userId));
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
      this.send(client, { type: 'subscribed', userIds: [...new Set(userIds)] });
    } else {
      for (const userId of userIds) this.unsubscribeOne(client, state, userId);
      this.send(client, { type: 'unsubscribed', userIds: [...new Set(userIds)] });
    }
  }

  private toSubscribers(userId: string, message: object): void {
    const set = this.subscribers.get(userId);
    if (!set) return;
    const text = JSON.stringify(message);
    for (const client of [...set]) this.sendText(client, text);
  }

  private toEveryone(message: object): void {
    const text = JSON.stringify(message);
    for (const client of [...this.clients.keys()]) this.sendText(client, text);
  }

  private send(client: WebSocket, message: object): void {
    this.sendText(client, JSON.stringify(message));
  }

  private sendText(client: WebSocket, text: string): void {
    if (client.readyState !== WebSocket.OPEN) return;
    // What the client has not taken yet, not this message's size: an idle client may receive a large ack.
    if (client.bufferedAmount > this.config.tuning.streamMaxBufferedBytes) {
      this.logger.warn('dropping a stream client that is not reading its messages');
      this.metrics.streamDropped.inc({ reason: 'slow' });
      client.terminate();
      this.drop(client);
      return;
    }
    client.send(text);
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
    this.clients.delete(client);
    this.metrics.streamClients.set(this.clients.size);
  }
}
