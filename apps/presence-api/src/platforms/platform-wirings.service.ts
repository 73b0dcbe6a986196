import { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import type { ChangeBus, RedisLink } from '@amo/presence-cluster';
import { type AdapterContext, type AdapterFactory, type Clock, type Platform, PresenceError } from '@amo/presence-core';
import type { PresenceStore } from '@amo/presence-store';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CHANGE_BUS } from '../cluster/cluster-cache.providers';
import { REDIS_LINK } from '../cluster/cluster.module';
import { RATE_BUDGETS } from '../cluster/polling.tokens';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { CLOCK } from '../presence/clock.provider';
import { PRESENCE_STORE } from '../store/store.providers';
import type { PlatformRegistry, ServicePlatform } from './platform-registry';
import { LeasedPushAdapter } from './leased-push.adapter';
import { KeyedWrites } from './keyed-writes';
import { LEASED_PUSH } from './leased-push.units';
import { RuntimeEndpoints } from './runtime-endpoints';

export const PLATFORM_WIRING_LIST = Symbol('PLATFORM_WIRING_LIST');

/** The registered platforms (descriptors), and the context each adapter is built with. */
@Injectable()
export class PlatformWirings {
  private readonly byPlatform: Map<Platform, ServicePlatform>;
  private readonly budgets: RateBudgetRegistry;
  private readonly state = new Map<string, unknown>();
  /** The store writes adapters start from callbacks (sessions, subscriptions, refreshed tokens). */
  private readonly writes = new KeyedWrites();

  constructor(
    @Inject(PLATFORM_WIRING_LIST) wirings: PlatformRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    private readonly endpoints: RuntimeEndpoints,
    private readonly metrics: MetricsService,
    @Optional() @Inject(REDIS_LINK) private readonly link?: RedisLink,
    @Optional() @Inject(CHANGE_BUS) private readonly bus?: ChangeBus,
    // Cluster mode: the buckets are the cluster's windows in Redis (one budget per platform for all instances).
    @Optional() @Inject(RATE_BUDGETS) budgets?: RateBudgetRegistry,
  ) {
    this.budgets = budgets ?? new RateBudgetRegistry();
    this.byPlatform = new Map(wirings.map((wiring) => [wiring.platform, wiring]));
  }

  /** Loads every platform's saved state into memory; adapters read it synchronously when they are built. */
  async preloadState(): Promise<void> {
    for (const platform of this.byPlatform.keys()) {
      for (const entry of await this.store.platformState.list(platform)) this.state.set(`${platform}\u0000${entry.key}`, entry.value);
    }
  }

  /**
   * Reads one platform's saved state again (cluster mode: the instance taking over a push connection reads
   * what its last owner stored, not what this instance found at start).
   */
  async reloadState(platform: Platform): Promise<void> {
    for (const key of [...this.state.keys()]) if (key.startsWith(`${platform}\u0000`)) this.state.delete(key);
    for (const entry of await this.store.platformState.list(platform)) this.state.set(`${platform}\u0000${entry.key}`, entry.value);
  }

  /** Resolves once every state and credential write the adapters started has landed (before the store closes). */
  settled(): Promise<void> {
    return this.writes.settled();
  }

  get(platform: Platform): ServicePlatform | undefined {
    return this.byPlatform.get(platform);
  }

  require(platform: Platform): ServicePlatform {
    const wiring = this.byPlatform.get(platform);
    if (!wiring) throw new PresenceError('UNSUPPORTED', `no adapter for ${platform} is installed in this service`, { platform });
    return wiring;
  }

  platforms(): Platform[] {
    return [...this.byPlatform.keys()];
  }

  /** The registered platforms' descriptors, in registry order. */
  descriptors(): ServicePlatform[] {
    return [...this.byPlatform.values()];
  }

  context(platform: Platform): AdapterContext<RateBudgetRegistry> {
    const logger = new Logger(`adapter:${platform}`);
    return {
      endpoints: this.endpoints.baseUrls,
      publicUrl: this.config.publicUrl,
      maxRetries: this.config.maxRetries,
      http: this.config.tuning.platformHttp,
      pollIntervalMs: this.config.pollIntervalsMs[platform] ?? this.config.pollIntervalMs,
      recencyWindowMs: this.config.recencyWindowMs,
      clock: this.clock,
      budgets: this.budgets,
      fetch: this.metrics.instrumentFetch(platform),
      logger: { log: (m) => logger.log(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
      state: {
        get: <T>(key: string) => this.state.get(`${platform}\u0000${key}`) as T | undefined,
        set: <T>(key: string, value: T) => {
          const saved = (error: unknown): void => logger.error(`saving ${key} failed: ${(error as Error).message}`);
          // Null means "nothing held any more" (a Discord session invalidated): the stored entry goes.
          if (value === null || value === undefined) {
            this.state.delete(`${platform}\u0000${key}`);
            this.writes.start(`${platform}\u0000${key}`, () => this.store.platformState.delete(platform, key), saved);
            return;
          }
          this.state.set(`${platform}\u0000${key}`, value);
          // Sealed by the vault: a Graph subscription's clientState and a Discord session are secrets of ours.
          this.writes.start(`${platform}\u0000${key}`, () => this.store.platformState.set(platform, key, value, { sealed: true }), saved);
        },
      },
      saveCredentials: (credentials, expiresAt) => {
        this.writes.start(
          `${platform}\u0000credentials`,
          () => this.store.connections.updateCredentials(platform, credentials, expiresAt),
          (error: unknown) => logger.error(`saving refreshed credentials failed: ${(error as Error).message}`),
        );
      },
    };
  }

  /**
   * The aggregator's `initializePlatform` factories: credentials checked by the adapter's parser, then built. In
   * cluster mode a push that must have one owner (Discord's gateway, Graph's subscriptions) is a
   * {@link LeasedPushAdapter}: spread over the instances by Redis leases.
   */
  factories(): Partial<Record<Platform, AdapterFactory>> {
    const out: Partial<Record<Platform, AdapterFactory>> = {};
    for (const [platform, wiring] of this.byPlatform) {
      out[platform] = (credentials) => {
        const parsed = wiring.parseCredentials(credentials);
        const leased = LEASED_PUSH[platform];
        const { cluster, instance } = this.config;
        if (!leased || !cluster || !this.link || !this.bus) return wiring.createAdapter(parsed, this.context(platform));
        const units = leased(wiring, parsed, this.context(platform), () => this.reloadState(platform));
        if (!('list' in units)) return units;
        const logger = new Logger(`cluster:${platform}`);
        return new LeasedPushAdapter({
          platform,
          capabilities: wiring.capabilities,
          units,
          link: this.link,
          bus: this.bus,
          instanceId: instance.id,
          leaseMs: cluster.leaseMs,
          mayOwn: instance.role !== 'api',
          log: { log: (m) => logger.log(m), warn: (m) => logger.warn(m) },
        });
      };
    }
    return out;
  }
}
