import {
  BUS_TYPES,
  type BusReading,
  ChangeBus,
  parseForget,
  parseReadings,
  type PresenceWrite,
  readingsBody,
  RedisPresenceCache,
  toReading,
} from '@amo/presence-cluster';
import { type MemoryPresenceCache, type Platform, type PlatformPresence, PresenceAggregator } from '@amo/presence-core';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ChangeOrigin } from '../events/change-origin';
import { PresenceEvents } from '../events/presence-events';
import { PRESENCE_CACHE } from '../presence/cache.provider';
import { PreferencesCache } from '../presence/preferences-cache';
import { CHANGE_BUS, FlushRelay, PRESENCE_MIRROR } from './cluster-cache.providers';
import { ClusterIdentityDirectory, type LinkChange, parseLinkChange } from './cluster-directory';
import { ClusterPreferencesCache, type PreferencesChange, parsePreferencesChange } from './cluster-preferences';

/** Bus types of the app's own messages (the presence ones are the library's `BUS_TYPES`). */
const LINKS = 'links';
const PREFERENCES = 'preferences';
/** Readings per bus message: a sweep of 10,000 people goes out as a few messages, none of them huge. */
const READINGS_PER_MESSAGE = 500;

/**
 * Cluster mode's change fan-out. Out: every reading this instance accepts (the mirror's flushes, confirmations
 * included, so polled records stay fresh everywhere), the aggregate it computed (stored with the records in
 * Redis), identity and preference changes, and forgets (erasure, opt-out). In: the same from every other
 * instance, applied to the local core through its ordinary paths (ingest, link, forget) without writing them
 * back to Redis, announced to this instance's stream clients only (`cluster.*` events). Every instance thus
 * holds the whole cluster's presence in its own table, and reads never wait for Redis.
 */
@Injectable()
export class ClusterFanout implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('Cluster');
  private readonly stops: (() => void)[] = [];
  /** True while a change from the bus is applied: nothing it causes is published again. */
  private applying = false;
  private live = false;
  private trackingRefresh: NodeJS.Immediate | undefined;

  constructor(
    private readonly aggregator: PresenceAggregator,
    private readonly events: PresenceEvents,
    private readonly origin: ChangeOrigin,
    private readonly preferences: PreferencesCache,
    private readonly relay: FlushRelay,
    @Inject(CHANGE_BUS) private readonly bus: ChangeBus,
    @Inject(PRESENCE_MIRROR) private readonly mirror: RedisPresenceCache,
    @Inject(PRESENCE_CACHE) private readonly local: MemoryPresenceCache,
  ) {}

  private get directory(): ClusterIdentityDirectory {
    return this.aggregator.directory as ClusterIdentityDirectory;
  }

  /** The start-up restore from the store: older than what Redis holds, so nothing of it is written there. */
  restoring<T>(work: () => Promise<T>): Promise<T> {
    return this.mirror.whileNotWriting(work);
  }

  /**
   * After the instance restored its links, preferences and snapshot from the store: listens to the bus, warms the
   * table from Redis (newer than the snapshot: other instances kept writing while this one was down), and starts
   * publishing this instance's changes.
   */
  async warm(): Promise<{ people: number; records: number }> {
    this.stops.push(
      this.bus.on(BUS_TYPES.readings, parseReadings, (readings, origin) => this.applyReadings(readings, origin)),
      this.bus.on(BUS_TYPES.forget, parseForget, (body, origin) => this.applyForget(body.userId, body.platform, origin)),
      this.bus.on(LINKS, parseLinkChange, (change) => this.applyLink(change)),
      this.bus.on(PREFERENCES, parsePreferencesChange, (change) => this.applyPreferences(change)),
    );
    await this.bus.start();
    let restored = 0;
    const totals = await this.mirror.load((person) => {
      for (const entry of person.entries) {
        const held = this.local.get(person.userId, entry.record.platform);
        // The bus may already have brought something newer than what this page read. The same reading Redis holds
        // whole, where the snapshot keeps status and times only (unless PRESENCE_STORE_DETAILS): Redis's record, with
        // the later of the two confirmation times.
        const heldAt = held?.record.lastUpdated.getTime() ?? -1;
        if (held && heldAt > entry.record.lastUpdated.getTime()) continue;
        const confirmedAt = Math.max(entry.confirmedAt, held?.confirmedAt ?? 0);
        this.mirror.withoutWriting(() => this.aggregator.restore(person.userId, entry.record, confirmedAt));
        restored++;
      }
    });
    this.publishLocalChanges();
    this.live = true;
    this.logger.log(`warmed from Redis: ${totals.people} people, ${restored} of ${totals.records} records newer than the snapshot`);
    return { people: totals.people, records: restored };
  }

  get warmed(): boolean {
    return this.live;
  }

  onModuleDestroy(): void {
    this.live = false;
    for (const stop of this.stops.splice(0)) stop();
    this.relay.target = undefined;
    this.directory.onChange = undefined;
    if (this.preferences instanceof ClusterPreferencesCache) this.preferences.onChange = undefined;
    if (this.trackingRefresh) clearImmediate(this.trackingRefresh);
  }

  /** After every module stopped changing presence: what is queued for Redis goes out, then the bus closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.mirror.close();
    await this.bus.close();
  }

  // ---- out ---------------------------------------------------------------------------------------------

  private publishLocalChanges(): void {
    this.relay.target = (writes) => this.publishReadings(writes);
    this.stops.push(
      this.aggregator.addAggregateListener((userId, change) => {
        // Inside a change from the bus the mirror writes nothing: the instance that made it stored its aggregate.
        this.mirror.setAggregate(userId, { ...change, at: Date.now() });
      }),
      this.events.on('person.forgotten', ({ userId, platform }) => {
        if (!this.applying) this.bus.publish(BUS_TYPES.forget, platform === undefined ? { userId } : { userId, platform });
      }),
    );
    this.directory.onChange = (change) => {
      if (!this.applying) this.bus.publish(LINKS, change);
    };
    if (this.preferences instanceof ClusterPreferencesCache) {
      this.preferences.onChange = (change) => {
        if (!this.applying) this.bus.publish(PREFERENCES, change);
      };
    }
  }

  private publishReadings(writes: readonly PresenceWrite[]): void {
    let batch: BusReading[] = [];
    for (const { userId, platform, entry } of writes) {
      const accountId = this.directory.accountOf(userId, platform);
      // Restored without a link (an old snapshot row): nothing another instance could ingest.
      if (accountId === undefined) continue;
      batch.push({ userId, accountId, record: entry.record, confirmedAt: entry.confirmedAt });
      if (batch.length === READINGS_PER_MESSAGE) {
        this.bus.publish(BUS_TYPES.readings, readingsBody(batch));
        batch = [];
      }
    }
    if (batch.length > 0) this.bus.publish(BUS_TYPES.readings, readingsBody(batch));
  }

  // ---- in ----------------------------------------------------------------------------------------------

  /** Another instance's readings, through core's ingest (listeners, aggregates), per platform, in order. */
  private applyReadings(readings: readonly BusReading[], origin: string): void {
    const byPlatform = new Map<Platform, PlatformPresence[]>();
    for (const { accountId, record } of readings) {
      let list = byPlatform.get(record.platform);
      if (!list) byPlatform.set(record.platform, (list = []));
      list.push(toReading(accountId, record));
    }
    this.quietly(origin, () => {
      for (const [platform, list] of byPlatform) this.aggregator.ingest(platform, list);
    });
  }

  private applyForget(userId: string, platform: Platform | undefined, origin: string): void {
    this.quietly(origin, () => {
      this.aggregator.forget(userId, platform);
      this.events.emit('person.forgotten', platform === undefined ? { userId } : { userId, platform });
    });
  }

  private applyLink(change: LinkChange): void {
    this.quietly(undefined, () => {
      const { userId, platform, accountId } = change;
      if (accountId === undefined || platform === undefined) {
        this.directory.unlink(userId, platform);
        return;
      }
      // The other instance's store committed it: a link this instance still holds for someone else is stale.
      const stale = this.directory.personOf(platform, accountId);
      if (stale !== undefined && stale !== userId) this.directory.unlink(stale, platform);
      this.directory.link(userId, platform, accountId);
    });
    this.refreshTrackingSoon();
  }

  private applyPreferences(change: PreferencesChange): void {
    this.quietly(undefined, () => {
      if (change.preferences === null) this.preferences.delete(change.userId);
      else this.preferences.set(change.userId, change.preferences);
    });
    this.refreshTrackingSoon();
  }

  /** Applies a change from the bus: not published again, not written to Redis, announced as `origin`'s. */
  private quietly(origin: string | undefined, apply: () => void): void {
    this.applying = true;
    try {
      this.mirror.withoutWriting(() => (origin === undefined ? apply() : this.origin.run(origin, apply)));
    } finally {
      this.applying = false;
    }
  }

  /** Adapters learn the accounts to track once per turn, however many changes arrived in it. */
  private refreshTrackingSoon(): void {
    if (this.trackingRefresh !== undefined) return;
    this.trackingRefresh = setImmediate(() => {
      this.trackingRefresh = undefined;
      this.aggregator.refreshTracking();
    });
  }
}
