import type { ClusterView } from '@amo/presence-contract';
import { InstanceRegistry, type InstanceReport, type LiveInstance, type RedisLink } from '@amo/presence-cluster';
import type { BreakerState, Clock } from '@amo/presence-core';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import type { InstanceConfig } from '../config/app-config';
import { type PlatformState, PresenceEvents } from '../events/presence-events';
import { PlatformStatusService } from '../platforms/platform-status.service';
import { CLOCK } from '../presence/clock.provider';
import { INSTANCE, REDIS_LINK } from './cluster.module';

/** A platform's states from best to worst: the cluster's state is the best any live instance reports. */
const STATE_ORDER: readonly PlatformState[] = ['up', 'degraded', 'connecting', 'down', 'failed', 'disconnected'];

/** A killed instance drops out of the list within this. */
const INSTANCE_TTL_MS = 15_000;
/**
 * Heartbeats often enough that another instance's platforms are at most this old in a view (a platform's first
 * state, at start-up, raises no `platform.changed` to beat on): a SET and an SADD per instance every 2 s.
 */
const HEARTBEAT_MS = 2_000;

/** What a heartbeat carries about each platform this instance is connected to (or trying to be). */
type PlatformsReport = Record<string, { state: PlatformState; breaker: BreakerState | null }>;

/**
 * The cluster as `/health` and `/v1/platforms` report it, in cluster mode (outside it there is no link, and this
 * does nothing): this instance heartbeats its role and platforms' health into Redis ({@link InstanceRegistry},
 * 15 s TTL), and a view lists every live instance, Redis' state with the reason, and each platform's state for
 * the cluster. While Redis is down the view says so and lists this instance alone (what it knows for sure);
 * heartbeats resume by themselves when Redis is back.
 */
@Injectable()
export class ClusterHealth implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly registry?: InstanceRegistry;
  private readonly startedAt: number;
  private unsubscribe?: () => void;

  constructor(
    @Inject(INSTANCE) private readonly instance: InstanceConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly statuses: PlatformStatusService,
    private readonly events: PresenceEvents,
    @Optional() @Inject(REDIS_LINK) private readonly link?: RedisLink,
  ) {
    this.startedAt = clock.now();
    this.registry = link && new InstanceRegistry({ link, clock, report: () => this.ownReport(), ttlMs: INSTANCE_TTL_MS, intervalMs: HEARTBEAT_MS });
  }

  async onApplicationBootstrap(): Promise<void> {
    const registry = this.registry;
    if (!registry) return;
    // A platform's state moved: the others should not wait for the next heartbeat to see it.
    this.unsubscribe = this.events.on('platform.changed', () => void registry.refresh());
    await registry.start();
  }

  /** Before the link closes (RedisLinkCloser runs on shutdown): leave the list at once. */
  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.registry?.stop();
  }

  /** The cluster section of `/health` and `/v1/platforms`; undefined outside cluster mode. */
  async view(): Promise<ClusterView | undefined> {
    if (!this.link || !this.registry) return undefined;
    const redis = this.link.status();
    let instances: LiveInstance[];
    // This instance as it is now (its last heartbeat may be seconds old); the others as they last reported.
    const own: LiveInstance = { ...this.ownReport(), heartbeatAt: this.clock.now() };
    try {
      if (!redis.up) throw new Error(redis.reason ?? 'down');
      // This instance is live whatever Redis holds (a restarted Redis is empty until the next heartbeat).
      const others = (await this.registry.list()).filter((live) => live.id !== own.id);
      instances = [...others, own].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    } catch {
      instances = [own];
    }
    return {
      instance: { id: this.instance.id, role: this.instance.role },
      redis: redis.up
        ? { status: 'up' }
        : { status: 'down', error: redis.reason ?? 'unknown', ...(redis.downSince === undefined ? {} : { downSince: new Date(redis.downSince).toISOString() }) },
      instances: instances.map((live) => ({
        id: live.id,
        role: live.role as InstanceConfig['role'],
        startedAt: new Date(live.startedAt).toISOString(),
        heartbeatAt: new Date(live.heartbeatAt).toISOString(),
        platforms: live.platforms as PlatformsReport,
      })),
      platforms: clusterStates(instances),
    };
  }

  private ownReport(): InstanceReport {
    const platforms: PlatformsReport = {};
    for (const view of this.statuses.all()) {
      if (view.connected || view.state !== 'disconnected') platforms[view.platform] = { state: view.state, breaker: view.breaker };
    }
    return { id: this.instance.id, role: this.instance.role, startedAt: this.startedAt, platforms };
  }
}

/** Each platform's best state across the instances. */
function clusterStates(instances: readonly LiveInstance[]): Record<string, PlatformState> {
  const best: Record<string, PlatformState> = {};
  for (const live of instances) {
    for (const [platform, { state }] of Object.entries(live.platforms as PlatformsReport)) {
      const held = best[platform];
      if (held === undefined || STATE_ORDER.indexOf(state) < STATE_ORDER.indexOf(held)) best[platform] = state;
    }
  }
  return best;
}
