import {
  type AdapterCapabilities,
  type BreakerState,
  type BudgetUse,
  PLATFORMS,
  type Platform,
  PresenceAggregator,
  type PresenceStatistics,
} from '@amo/presence-core';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { type PlatformState, PresenceEvents, type PresenceEventMap } from '../events/presence-events';
import { ConnectionRegistry } from './connection-registry';
import { PlatformWirings } from './platform-wirings.service';

export interface PlatformStatusView {
  platform: Platform;
  installed: boolean;
  connected: boolean;
  state: PlatformState;
  source: string | null;
  capabilities: AdapterCapabilities | null;
  monitoring: { active: boolean; intervalSeconds: number | null };
  connection: string | null;
  breaker: BreakerState | null;
  breakerRetryInMs: number | null;
  rateBudgets: BudgetUse[];
  /** How many tracked accounts are pushed and how many polled (Teams: one subscription per signed-in user, 650 ids). */
  coverage: { pushed: number; polled: number } | null;
  lastPollAt: string | null;
  lastError: { code: string; message: string; at: string } | null;
  polls: number;
  errors: number;
}

const CHECK = 'platforms:health-check';

/**
 * What each platform is doing, derived from the aggregator, the adapter's health and connect attempts.
 * A periodic check publishes `platform.changed` when a platform's state, breaker or last error moves.
 */
@Injectable()
export class PlatformStatusService implements OnModuleDestroy {
  private readonly lastReported = new Map<Platform, string>();
  private stopListening?: () => void;

  constructor(
    private readonly aggregator: PresenceAggregator,
    private readonly connections: ConnectionRegistry,
    private readonly wirings: PlatformWirings,
    private readonly events: PresenceEvents,
    private readonly registry: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts the periodic comparison (called once monitoring is up). */
  startWatching(): void {
    if (this.registry.doesExist('interval', CHECK)) return;
    this.stopListening = this.aggregator.addPlatformListener(() => this.check());
    const timer = setInterval(() => this.check(), this.config.tuning.platformCheckMs);
    timer.unref();
    this.registry.addInterval(CHECK, timer);
    this.check();
  }

  onModuleDestroy(): void {
    this.stopListening?.();
    if (this.registry.doesExist('interval', CHECK)) this.registry.deleteInterval(CHECK);
  }

  all(): PlatformStatusView[] {
    const stats = this.aggregator.getPresenceStatistics();
    return PLATFORMS.map((platform) => this.view(platform, stats));
  }

  one(platform: Platform): PlatformStatusView {
    return this.view(platform, this.aggregator.getPresenceStatistics());
  }

  /** Publishes `platform.changed` for every platform whose report differs from the last one. */
  check(): void {
    for (const view of this.all()) {
      if (!view.installed && !view.connected && this.lastReported.get(view.platform) === undefined) continue;
      const change: PresenceEventMap['platform.changed'] = {
        platform: view.platform,
        state: view.state,
        breaker: view.breaker,
        lastError: view.lastError,
      };
      const key = JSON.stringify([change.state, change.breaker, change.lastError?.code ?? null, change.lastError?.at ?? null]);
      const before = this.lastReported.get(view.platform);
      this.lastReported.set(view.platform, key);
      if (before !== undefined && before !== key) this.events.emit('platform.changed', change);
    }
  }

  private view(platform: Platform, stats: PresenceStatistics): PlatformStatusView {
    const adapter = this.aggregator.adapter(platform);
    const health = adapter?.health?.();
    const platformStats = stats.platforms[platform];
    const failure = this.connections.failure(platform);
    const active = this.connections.get(platform);
    const lastErrorRaw = platformStats?.lastError ?? (failure ? { code: failure.error.code, message: failure.error.message, at: failure.at } : null);
    const lastError = lastErrorRaw ? { code: lastErrorRaw.code, message: lastErrorRaw.message, at: lastErrorRaw.at.toISOString() } : null;
    const lastPollAt = platformStats?.lastPollAt ?? null;
    const monitoring = this.aggregator.isMonitoring(platform);
    return {
      platform,
      installed: this.wirings.get(platform) !== undefined,
      connected: adapter !== undefined,
      state: this.stateOf(platform, lastPollAt, lastErrorRaw?.at ?? null),
      source: active?.source ?? failure?.source ?? null,
      capabilities: adapter ? adapter.capabilities : null,
      monitoring: {
        active: monitoring,
        intervalSeconds: adapter?.capabilities.poll ? Math.round(this.aggregator.intervalOf(platform) / 1000) : null,
      },
      connection: this.aggregator.connectionState(platform) ?? health?.connection ?? null,
      breaker: health?.breaker ?? null,
      breakerRetryInMs: health?.breakerRetryInMs ?? null,
      rateBudgets: health?.budgets ?? [],
      coverage: health?.coverage ?? null,
      lastPollAt: lastPollAt ? lastPollAt.toISOString() : null,
      lastError,
      polls: platformStats?.polls ?? 0,
      errors: platformStats?.errors ?? 0,
    };
  }

  private stateOf(platform: Platform, lastPollAt: Date | null, lastErrorAt: Date | null): PlatformState {
    const adapter = this.aggregator.adapter(platform);
    if (!adapter) {
      const failure = this.connections.failure(platform);
      if (!failure) return 'disconnected';
      return failure.retrying ? 'down' : 'failed';
    }
    const health = adapter.health?.();
    const connection = this.aggregator.connectionState(platform);
    if (connection === 'failed') return 'failed';
    if (connection === 'down') return 'down';
    if (connection === 'connecting') return 'connecting';
    if (health?.breaker === 'open' || health?.breaker === 'half-open') return 'degraded';
    // A polled platform whose last attempt failed after its last good poll is degraded until a poll succeeds.
    if (adapter.capabilities.poll && lastErrorAt && (!lastPollAt || lastErrorAt.getTime() > lastPollAt.getTime())) return 'degraded';
    return 'up';
  }
}
