import { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import { ClusterPolling, type RedisLink, SharedBudgets } from '@amo/presence-cluster';
import { type Clock, type Platform, PresenceAggregator, PresenceError } from '@amo/presence-core';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type InstanceConfig } from '../config/app-config';
import { PlatformWirings } from '../platforms/platform-wirings.service';
import { CLOCK } from '../presence/clock.provider';
import { INSTANCE, REDIS_LINK } from './cluster.module';
import { RATE_BUDGETS, SHARED_BUDGETS } from './polling.tokens';

/**
 * Polling in cluster mode. The aggregator is built with `polling: 'external'` (no loop on any instance); on
 * `worker` and `all` instances this runs BullMQ workers for the platforms the core monitors and, while it holds a
 * platform's planner lease, plans them; `api` instances poll nothing. Every instance can {@link forget} people.
 */
@Injectable()
export class ClusterPollingService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ClusterPolling');
  readonly polling: ClusterPolling;

  constructor(
    @Inject(REDIS_LINK) link: RedisLink,
    @Inject(INSTANCE) private readonly instance: InstanceConfig,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(SHARED_BUDGETS) budgets: SharedBudgets,
    @Inject(CLOCK) clock: Clock,
    aggregator: PresenceAggregator,
    private readonly wirings: PlatformWirings,
  ) {
    this.polling = new ClusterPolling({
      link,
      target: aggregator,
      budgets,
      clock,
      instanceId: instance.id,
      leaseMs: config.cluster?.leaseMs ?? 15_000,
      // A dead worker's job runs elsewhere within 1.5 locks: a third of the interval (5 to 10 s) keeps that well
      // inside two sweeps, and above what a busy event loop can hold up a lock renewal.
      lockMs: Math.min(10_000, Math.max(5_000, Math.round(config.pollIntervalMs / 3))),
      logger: { log: (message) => this.logger.log(message), warn: (message) => this.logger.warn(message) },
    });
  }

  onApplicationBootstrap(): void {
    if (this.instance.role !== 'api') this.polling.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.polling.close();
  }

  /**
   * Takes a person's accounts out of polling on every instance (erasure, opt-out): when it resolves, no queued
   * job holds them and none running reads them. Throws TRANSIENT when Redis cannot be reached: an erase that
   * cannot reach the queues must not say it is done.
   */
  async forget(accounts: Partial<Record<Platform, string>>): Promise<void> {
    const polled = (Object.entries(accounts) as [Platform, string][]).filter(([platform]) => this.wirings.get(platform)?.capabilities.poll);
    try {
      await Promise.all(polled.map(([platform, accountId]) => this.polling.forget(platform, [accountId])));
    } catch (error) {
      throw new PresenceError('TRANSIENT', `the poll queues could not be reached: ${(error as Error).message}`, { cause: error });
    }
  }
}

export const clusterPollingProviders: Provider[] = [
  {
    provide: SHARED_BUDGETS,
    inject: [REDIS_LINK, INSTANCE, CLOCK],
    useFactory: (link: RedisLink, instance: InstanceConfig, clock: Clock) => new SharedBudgets({ link, instanceId: instance.id, clock }),
  },
  {
    provide: RATE_BUDGETS,
    inject: [SHARED_BUDGETS],
    useFactory: (shared: SharedBudgets) => new RateBudgetRegistry(undefined, { create: (spec) => shared.budget(spec) }),
  },
  ClusterPollingService,
];
