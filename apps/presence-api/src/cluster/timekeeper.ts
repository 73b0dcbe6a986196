import { LeaseKeeper, type RedisLink } from '@amo/presence-cluster';
import { Inject, Injectable, Logger, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { REDIS_LINK } from './cluster.module';

/**
 * Which instance acts on what time alone changes. Every instance of a cluster holds every person's aggregate,
 * so each finds a record going stale or a status decaying on its own; what such a finding causes outside the
 * instance (an outbound event, pattern time, which the store adds up) must happen once. The holder of the
 * `timekeeper` lease does it; outside a cluster this instance always does. The lease is taken at `start()` and
 * handed back at shutdown, after the modules' destroy hooks have written what they held.
 */
@Injectable()
export class Timekeeper implements OnApplicationShutdown {
  private readonly logger = new Logger('Timekeeper');
  private readonly keeper: LeaseKeeper | undefined;
  private readonly listeners = new Set<(holding: boolean) => void>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() @Inject(REDIS_LINK) link?: RedisLink,
  ) {
    if (!link) return;
    this.keeper = new LeaseKeeper(link, 'timekeeper', {
      holder: config.instance.id,
      ttlMs: config.cluster?.leaseMs ?? 15_000,
      onError: (error) => this.logger.warn(`lease: ${error.message}`),
    });
    this.keeper.on('acquired', () => this.tell(true));
    this.keeper.on('lost', () => this.tell(false));
  }

  /** Whether this instance acts on time-driven changes now. */
  get holding(): boolean {
    return this.keeper?.holding ?? true;
  }

  /** Hears each change of `holding` (a cluster's lease taken or lost); returns the function that stops it. */
  onChange(listener: (holding: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts trying to take the lease (in a cluster; idempotent). */
  start(): void {
    this.keeper?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.keeper?.stop();
  }

  private tell(holding: boolean): void {
    for (const listener of [...this.listeners]) listener(holding);
  }
}
