import type { RedisPresenceCache } from '@amo/presence-cluster';
import { type Clock, InMemoryIdentityDirectory, type MemoryPresenceCache, PresenceAggregator } from '@amo/presence-core';
import { Logger, type Provider } from '@nestjs/common';
import { PRESENCE_MIRROR } from '../cluster/cluster-cache.providers';
import { ClusterIdentityDirectory } from '../cluster/cluster-directory';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PlatformWirings } from '../platforms/platform-wirings.service';
import { PRESENCE_CACHE } from './cache.provider';
import { CLOCK } from './clock.provider';
import { NestScheduler } from './nest-scheduler';
import { PreferencesCache } from './preferences-cache';

/** Most people one availability call may ask about (CONTRACT: 1..1000). */
export const MAX_AVAILABILITY_BATCH = 1000;

/**
 * The core facade, configured from the validated config and wired to Nest's scheduler and the stored preferences.
 * In cluster mode it also writes through to the Redis mirror, its directory announces link changes, and no
 * instance runs a poll loop (the cluster's poll queues drive polling).
 */
export const aggregatorProvider: Provider<PresenceAggregator> = {
  provide: PresenceAggregator,
  inject: [APP_CONFIG, CLOCK, NestScheduler, PreferencesCache, PlatformWirings, PRESENCE_CACHE, { token: PRESENCE_MIRROR, optional: true }],
  useFactory: (
    config: AppConfig,
    clock: Clock,
    scheduler: NestScheduler,
    preferences: PreferencesCache,
    wirings: PlatformWirings,
    cache: MemoryPresenceCache,
    mirror: RedisPresenceCache | undefined,
  ) => {
    const logger = new Logger('Aggregator');
    return new PresenceAggregator({
      clock,
      scheduler,
      cache,
      mirror,
      directory: config.cluster ? new ClusterIdentityDirectory() : new InMemoryIdentityDirectory(),
      // Cluster mode: BullMQ workers poll (ClusterPollingService, on worker and all instances), never a loop.
      polling: config.cluster ? 'external' : 'loop',
      adapterFactories: wirings.factories(),
      pollIntervalMs: config.pollIntervalMs,
      pollIntervalsMs: config.pollIntervalsMs,
      cacheTtlMs: config.cacheTtlMs,
      recencyWindowMs: config.recencyWindowMs,
      defaultPolicy: config.defaultPolicy,
      consentDefault: config.consentDefault,
      preferences: (userId) => preferences.get(userId),
      maxBatch: MAX_AVAILABILITY_BATCH,
      logger: { warn: (message) => logger.warn(message) },
    });
  },
};
