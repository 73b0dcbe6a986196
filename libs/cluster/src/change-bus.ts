import type Redis from 'ioredis';
import type { RedisLink } from './redis-link';

/**
 * How a message type's body is checked on arrival: the value, or undefined when it is not one (dropped and
 * counted as malformed). Every body from Redis is untrusted until this says otherwise.
 */
export type BodyParser<T> = (body: unknown) => T | undefined;

export type BusHandler<T> = (body: T, origin: string) => void;

export interface ChangeBusOptions {
  /** This instance's id: sent with every message, and the messages carrying it are skipped on arrival. */
  instanceId: string;
  /** The channel under the link's prefix (default `changes`). */
  channel?: string;
  /** A handler that threw, or a message that could not be published (Redis down). */
  onError?: (error: Error) => void;
  /**
   * The subscription is back after its connection was lost at `lostAt` (epoch ms): whatever other instances
   * published in between never reached this one (pub/sub keeps nothing for an absent subscriber).
   */
  onResubscribed?: (lostAt: number) => void;
}

export interface ChangeBusStats {
  published: number;
  /** Messages from other instances handed to a handler. */
  received: number;
  /** This instance's own messages, heard back and skipped. */
  ownSkipped: number;
  /** Not JSON, no origin or type, an unknown type, or a body its parser refused: dropped. */
  malformed: number;
  /** Handlers that threw (the message is dropped, the bus goes on). */
  failed: number;
  /** Publishes that Redis refused or could not take (an outage). */
  publishFailures: number;
  /** Times the subscription came back after its connection was lost (messages published meanwhile were missed). */
  resubscribed: number;
}

interface Route {
  parse: BodyParser<unknown>;
  handlers: Set<BusHandler<unknown>>;
}

/**
 * Changes between instances on Redis pub/sub: one channel per cluster (under the link's key prefix), messages
 * `{"o": origin, "t": type, "b": body}` as JSON. Each instance publishes what it changed and applies what the
 * others did; its own messages come back and are skipped. Pub/sub keeps one publisher's messages in order and
 * delivers to whoever is subscribed at the time: an instance that was not listening catches up from the shared
 * cache, not from the bus. A subscription whose connection dropped and came back is reported (`onResubscribed`):
 * what was published in between never arrives. Nothing that arrives can crash the process: a malformed message is dropped and
 * counted, a handler that throws is reported and counted.
 */
export class ChangeBus {
  readonly channel: string;
  private readonly routes = new Map<string, Route>();
  private subscriber: Redis | undefined;
  private readonly counters: ChangeBusStats = { published: 0, received: 0, ownSkipped: 0, malformed: 0, failed: 0, publishFailures: 0, resubscribed: 0 };

  constructor(
    private readonly link: RedisLink,
    private readonly options: ChangeBusOptions,
  ) {
    this.channel = link.key(options.channel ?? 'changes');
  }

  /** Handles one message type; `parse` checks each body first. Returns the function that stops handling. */
  on<T>(type: string, parse: BodyParser<T>, handler: BusHandler<T>): () => void {
    let route = this.routes.get(type);
    if (!route) this.routes.set(type, (route = { parse: parse as BodyParser<unknown>, handlers: new Set() }));
    route.handlers.add(handler as BusHandler<unknown>);
    return () => route.handlers.delete(handler as BusHandler<unknown>);
  }

  /** Subscribes (a connection of its own); resolves once Redis has confirmed the subscription. */
  async start(): Promise<void> {
    if (this.subscriber) return;
    const subscriber = this.link.subscriber();
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.receive(text);
    });
    // ioredis re-subscribes by itself after a reconnect; what was published while the connection was down is gone,
    // which the owner hears about once the subscription is back. (Before the first subscription nothing is lost:
    // the owner reads the shared state after `start` resolves.)
    let subscribed = false;
    let lostAt: number | undefined;
    subscriber.on('close', () => {
      if (subscribed && this.subscriber === subscriber && lostAt === undefined) lostAt = Date.now();
    });
    subscriber.on('ready', () => {
      if (lostAt === undefined || this.subscriber !== subscriber) return;
      const since = lostAt;
      lostAt = undefined;
      this.counters.resubscribed++;
      this.options.onResubscribed?.(since);
    });
    await subscriber.subscribe(this.channel);
    subscribed = true;
  }

  /**
   * Sends one message to every other instance; never throws (a failure is counted and reported). Goes out on
   * the link's command connection, so it follows whatever this instance wrote to Redis before it.
   */
  publish(type: string, body: unknown): void {
    const text = JSON.stringify({ o: this.options.instanceId, t: type, b: body });
    this.counters.published++;
    this.link.commands.publish(this.channel, text).catch((error: unknown) => {
      this.counters.publishFailures++;
      this.report(error);
    });
  }

  stats(): ChangeBusStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber?.status === 'ready') await subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  private receive(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.counters.malformed++;
      return;
    }
    const { o: origin, t: type, b: body } = (message ?? {}) as { o?: unknown; t?: unknown; b?: unknown };
    if (typeof origin !== 'string' || typeof type !== 'string') {
      this.counters.malformed++;
      return;
    }
    if (origin === this.options.instanceId) {
      this.counters.ownSkipped++;
      return;
    }
    const route = this.routes.get(type);
    let value: unknown;
    try {
      value = route?.parse(body);
    } catch {
      value = undefined;
    }
    if (!route || value === undefined) {
      this.counters.malformed++;
      return;
    }
    this.counters.received++;
    for (const handler of [...route.handlers]) {
      try {
        handler(value, origin);
      } catch (error) {
        this.counters.failed++;
        this.report(error);
      }
    }
  }

  private report(error: unknown): void {
    this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}
