import Redis, { type RedisOptions } from 'ioredis';

export interface RedisLinkOptions {
  /** redis://host:port[/db] */
  url: string;
  /** Every key this link writes starts with it (one cluster, or one test, per prefix). Default `presence:`. */
  keyPrefix?: string;
  /** How long a command may wait for the server before it fails (ms). Default 2,000. */
  commandTimeoutMs?: number;
}

/** What /health reports of Redis: up, or down since when and why. */
export interface RedisHealth {
  up: boolean;
  /** Epoch ms when the link went down; undefined while up. */
  downSince?: number;
  reason?: string;
}

/**
 * One Redis connection for commands, plus subscriber connections on demand (a subscribed ioredis connection
 * can run nothing else). During an outage commands fail fast instead of queueing (callers degrade: serve what
 * they have, report it), and ioredis reconnects by itself with capped backoff.
 */
export class RedisLink {
  readonly prefix: string;
  readonly commands: Redis;
  private readonly subscribers: Redis[] = [];
  private health: RedisHealth = { up: false, reason: 'connecting' };
  private closing = false;

  constructor(private readonly options: RedisLinkOptions) {
    this.prefix = options.keyPrefix ?? 'presence:';
    this.commands = this.open();
  }

  /** A prefixed key: every key of this link goes through here, so a test's prefix isolates all of it. */
  key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  /** A second connection for SUBSCRIBE; closed with the link. */
  subscriber(): Redis {
    const connection = this.open();
    this.subscribers.push(connection);
    return connection;
  }

  status(): RedisHealth {
    return { ...this.health };
  }

  /** Resolves once the command connection is ready (rejects after the command timeout). */
  async ready(): Promise<void> {
    await this.commands.ping();
  }

  /** Quits every connection; one that is down stops retrying. Once it resolves nothing of the link keeps the process alive. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([this.commands, ...this.subscribers].map(closeConnection));
    this.health = { up: false, downSince: this.health.downSince ?? Date.now(), reason: 'closed' };
  }

  private open(): Redis {
    const options: RedisOptions = {
      // Commands wait for the first connection (start-up), then fail fast while down (see 'ready' below); reconnect
      // forever, backoff capped at 2 s.
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
      commandTimeout: this.options.commandTimeoutMs ?? 2000,
      retryStrategy: (attempt) => Math.min(2000, 50 * 2 ** Math.min(attempt, 6)),
      lazyConnect: false,
      // A socket we drop is destroyed at once: ioredis otherwise waits up to 2 s for a 'close' that a socket which
      // already failed never emits again, and that timer kept the process alive (see closeConnection).
      disconnectTimeout: 0,
    };
    const connection = new Redis(this.options.url, options);
    connection.on('ready', () => {
      if (connection !== this.commands || this.closing) return;
      this.health = { up: true };
      // From now on a command sent while the server is away fails at once instead of queueing for up to the
      // command timeout: callers serve what they have (and say so) rather than hold a request. Subscriber
      // connections keep their queue: a SUBSCRIBE waits for the server and ioredis re-subscribes on reconnect.
      connection.options.enableOfflineQueue = false;
    });
    connection.on('error', (error: Error) => {
      if (connection !== this.commands || this.closing) return;
      this.health = { up: false, downSince: this.health.up ? Date.now() : this.health.downSince, reason: error.message };
    });
    connection.on('close', () => {
      // The server went away (closed the socket without an error: a shutdown, a restart): down from now.
      if (connection === this.commands && !this.closing && this.health.up) this.health = { up: false, downSince: Date.now(), reason: 'connection closed' };
    });
    return connection;
  }
}

/**
 * QUIT when the connection is up; otherwise drop it. ioredis' `disconnect()` ends the socket and arms a
 * `disconnectTimeout` timer that only the socket's 'close' clears: a socket that already failed never closes
 * again, so the timer (0 ms here) is waited out, which leaves nothing behind.
 */
async function closeConnection(connection: Redis): Promise<void> {
  if (connection.status === 'ready') {
    try {
      await connection.quit();
      return;
    } catch {
      // The server went away mid-QUIT: drop the socket below.
    }
  }
  connection.disconnect();
  // Node runs timers of one duration in the order they were set, so this fires after ioredis' 0 ms (1 ms) one.
  await new Promise((resolve) => setTimeout(resolve, 1));
}
