import type { MAX_IDS_PER_FRAME, PresenceDocument, StreamClientFrame, StreamServerMessage, STREAM_CLOSE } from '@amo/presence-contract';
import { type BackoffOptions, fullJitterDelayMs } from './backoff';
import { Emitter } from './emitter';
import { SOCKET_OPEN, type WebSocketConstructor, type WebSocketLike } from './socket';
import {
  type AggregateMessage,
  applyToPeople,
  type PlatformMessage,
  type PresenceMessage,
  type SnapshotMessage,
  type StreamErrorMessage,
  type SubscribedMessage,
  type UnsubscribedMessage,
} from './stream-messages';

// The contract's limit, checked against its type (a value import would load zod into the browser).
const IDS_PER_FRAME: typeof MAX_IDS_PER_FRAME = 1000;
/** The stream's slow-consumer close code (4001): the client reconnects and subscribes again, as for any drop. */
export const SLOW_CONSUMER_CLOSE: (typeof STREAM_CLOSE)['slowConsumer']['code'] = 4001;

/** What the stream tells its listeners. */
export interface PresenceStreamEvents {
  /** The socket opened (`reconnect`: not the first time); the subscriptions are being sent again. */
  connected: { reconnect: boolean };
  /** The socket closed: `code` 4001 slow consumer, 1001 server shutting down, 1006 lost; null when no retry comes. */
  disconnected: { code: number; reason: string; reconnectInMs: number | null };
  /** A subscribed person's current state (`presence: null`: the service does not know them). */
  snapshot: SnapshotMessage;
  presence: PresenceMessage;
  aggregate: AggregateMessage;
  platform: PlatformMessage;
  subscribed: SubscribedMessage;
  unsubscribed: UnsubscribedMessage;
  /** The server refused a frame (the connection stays open). */
  error: StreamErrorMessage;
  /** A `seq` was skipped: a message was lost, so the subscriptions are sent again for fresh snapshots. */
  gap: { expected: number; received: number };
  /** Every server message, in order. */
  message: StreamServerMessage;
}

export interface PresenceStreamOptions {
  /** The service, `http://localhost:3000` (or `ws://...`). */
  baseUrl: string;
  apiKey: string;
  /** Default: the global `WebSocket` (browsers, Node 22). In Node 20 pass `WebSocket` from the `ws` package. */
  WebSocket?: WebSocketConstructor;
  /** How the key travels: `query` (`?token=`, default; browsers cannot set headers) or `header` (`ws` only). */
  auth?: 'query' | 'header';
  /** Reconnect delays after a drop (full jitter); `false`: never reconnect. */
  reconnect?: BackoffOptions | false;
  /** Default `Math.random`; tests fix it. */
  random?: () => number;
}

/**
 * The WebSocket stream: subscribes (to people or everyone), keeps each subscribed person's document from the
 * snapshots and changes, reconnects with full-jitter backoff after any drop (4001 slow consumer included) and
 * subscribes again, which brings fresh snapshots; a `seq` gap resubscribes on the same connection.
 */
export class PresenceStream extends Emitter<PresenceStreamEvents> {
  private readonly people = new Map<string, PresenceDocument | null>();
  private readonly wanted = new Set<string>();
  private wantAll = false;
  private current: WebSocketLike | null = null;
  private opened = false;
  private everOpened = false;
  private stopped = false;
  private attempt = 0;
  private expectedSeq = 1;
  private retry: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: PresenceStreamOptions) {
    super();
  }

  /** The socket in use (null before `connect` and after `close`). */
  get socket(): WebSocketLike | null {
    return this.current;
  }

  /** Whether the socket is open now. */
  get connected(): boolean {
    return this.opened;
  }

  /** What the stream knows of each subscribed person: their document, or null when the service does not know them. */
  get presences(): ReadonlyMap<string, PresenceDocument | null> {
    return this.people;
  }

  /**
   * Opens the socket. Resolves once it is open; rejects when the first attempt fails (a refused key, nothing
   * listening), without retrying. Later drops reconnect on their own until {@link close}. Calling it while
   * connected (or connecting) opens nothing more.
   */
  connect(): Promise<void> {
    if (this.opened) return Promise.resolve();
    if (this.current) return this.once('connected').then(() => undefined);
    this.stopped = false;
    this.everOpened = false;
    return new Promise((resolve, reject) => this.open(resolve, reject));
  }

  /** Subscribes to these people, now and after every reconnect; each gets a `snapshot` first. */
  subscribe(userIds: string[]): void {
    const fresh = userIds.filter((userId) => !this.wanted.has(userId));
    for (const userId of fresh) this.wanted.add(userId);
    if (this.opened) this.sendIds('subscribe', fresh);
  }

  /** Subscribes to every person, now and later (read scope); the snapshot arrives in chunks. */
  subscribeAll(): void {
    this.wantAll = true;
    if (this.opened) this.send({ type: 'subscribe', all: true });
  }

  unsubscribe(userIds: string[]): void {
    for (const userId of userIds) {
      this.wanted.delete(userId);
      this.people.delete(userId);
    }
    if (this.opened) this.sendIds('unsubscribe', userIds);
  }

  unsubscribeAll(): void {
    this.wantAll = false;
    if (this.opened) this.send({ type: 'unsubscribe', all: true });
  }

  /** Closes the socket for good (code 1000); no reconnect follows. */
  close(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const socket = this.current;
    this.current = null;
    this.opened = false;
    if (socket && socket.readyState <= SOCKET_OPEN) socket.close(1000, 'client closed');
  }

  private open(resolve?: () => void, reject?: (error: Error) => void): void {
    const socket = this.createSocket();
    this.current = socket;
    let failure: unknown;
    socket.addEventListener('open', () => {
      if (socket !== this.current) return;
      const reconnect = this.everOpened;
      this.opened = this.everOpened = true;
      this.attempt = 0;
      this.expectedSeq = 1;
      this.emit('connected', { reconnect });
      this.sendSubscriptions();
      resolve?.();
    });
    socket.addEventListener('message', (event) => {
      if (socket === this.current) this.receive(String(event.data));
    });
    socket.addEventListener('error', (event) => {
      failure = event;
    });
    socket.addEventListener('close', (event) => {
      if (socket !== this.current) return;
      const wasOpen = this.opened;
      this.opened = false;
      if (!this.everOpened && !wasOpen && reject) {
        this.current = null;
        reject(new Error(`stream connection failed: ${describe(failure) ?? `closed with ${event.code}`}`));
        return;
      }
      const backoff = this.options.reconnect;
      const delay = this.stopped || backoff === false ? null : fullJitterDelayMs(this.attempt++, backoff ?? {}, this.options.random ?? Math.random);
      this.emit('disconnected', { code: event.code, reason: event.reason, reconnectInMs: delay });
      if (delay === null) return;
      this.retry = setTimeout(() => {
        this.retry = null;
        if (!this.stopped) this.open();
      }, delay);
    });
  }

  private createSocket(): WebSocketLike {
    const Socket = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Socket) throw new TypeError('no global WebSocket (Node 20): pass options.WebSocket, e.g. WebSocket from the ws package');
    const url = `${this.options.baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/v1/stream`;
    if (this.options.auth === 'header') {
      const Configurable = Socket as unknown as new (url: string, options: { headers: Record<string, string> }) => WebSocketLike;
      return new Configurable(url, { headers: { authorization: `Bearer ${this.options.apiKey}` } });
    }
    return new Socket(`${url}?token=${encodeURIComponent(this.options.apiKey)}`);
  }

  private receive(data: string): void {
    let message: StreamServerMessage;
    try {
      message = JSON.parse(data) as StreamServerMessage;
    } catch {
      return;
    }
    if (typeof message.seq === 'number') {
      if (message.seq !== this.expectedSeq) {
        this.emit('gap', { expected: this.expectedSeq, received: message.seq });
        this.sendSubscriptions();
      }
      this.expectedSeq = message.seq + 1;
    }
    applyToPeople(this.people, message);
    this.emit('message', message);
    this.emit(message.type, message as never);
  }

  /** Everything subscribed so far, sent again: the server answers with fresh snapshots. */
  private sendSubscriptions(): void {
    if (this.wantAll) this.send({ type: 'subscribe', all: true });
    this.sendIds('subscribe', [...this.wanted]);
  }

  private sendIds(type: 'subscribe' | 'unsubscribe', userIds: string[]): void {
    for (let i = 0; i < userIds.length; i += IDS_PER_FRAME) this.send({ type, userIds: userIds.slice(i, i + IDS_PER_FRAME) });
  }

  private send(frame: StreamClientFrame): void {
    if (this.current?.readyState === SOCKET_OPEN) this.current.send(JSON.stringify(frame));
  }
}

function describe(event: unknown): string | undefined {
  const error = (event as { error?: { message?: string }; message?: string } | undefined) ?? undefined;
  return error?.error?.message ?? error?.message;
}
