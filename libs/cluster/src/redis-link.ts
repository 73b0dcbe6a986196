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

  async close(): Promise<void> {
    // QUIT needs a live server; a link that is down (or never came up) just drops its socket and stops retrying.
    await Promise.all(
      [this.commands, ...this.subscribers].map((c) => (c.status === 'ready' ? c.quit().then(() => undefined, () => c.disconnect()) : c.disconnect())),
    );
  }

  private open(): Redis {
    const options: RedisOptions = {
      // Fail fast while down (no offline queue): callers decide what to serve; reconnect forever, backoff capped at 2 s.
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
      commandTimeout: this.options.commandTimeoutMs ?? 2000,
      retryStrategy: (attempt) => Math.min(2000, 50 * 2 ** Math.min(attempt, 6)),
      lazyConnect: false,
    };
    const connection = new Redis(this.options.url, options);
    connection.on('ready', () => {
      if (connection === this.commands) this.health = { up: true };
    });
    connection.on('error', (error: Error) => {
      if (connection === this.commands && this.health.up) this.health = { up: false, downSince: Date.now(), reason: error.message };
      else if (connection === this.commands) this.health = { ...this.health, reason: error.message };
    });
    connection.on('end', () => {
      if (connection === this.commands) this.health = { up: false, downSince: this.health.downSince ?? Date.now(), reason: 'connection closed' };
    });
    return connection;
  }
}
