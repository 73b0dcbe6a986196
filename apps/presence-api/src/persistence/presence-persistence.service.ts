import {
  type Clock,
  isMonitored,
  type MemoryPresenceCache,
  PatternAccountant,
  type PatternTimeEntry,
  type Platform,
  PLATFORMS,
  PresenceAggregator,
  type PresenceData,
  type PresenceStatus,
} from '@amo/presence-core';
import type { AuditEntry, PresenceStore, SnapshotEntry } from '@amo/presence-store';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Timekeeper } from '../cluster/timekeeper';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PresenceEvents } from '../events/presence-events';
import { PRESENCE_CACHE } from '../presence/cache.provider';
import { CLOCK } from '../presence/clock.provider';
import { NestScheduler } from '../presence/nest-scheduler';
import { PreferencesCache } from '../presence/preferences-cache';
import { PRESENCE_STORE } from '../store/store.providers';

const FLUSH = 'presence:snapshot-flush';
const PATTERN_HOUR = 'presence:pattern-hour';
const PATTERN_PURGE_EVERY_MS = 6 * 3_600_000;
const key = (userId: string, platform: Platform): string => `${userId}\u0000${platform}`;

/**
 * Writes what the change events say: the snapshot (last record per person and platform), the audit log
 * (status changes, no text) and, for people who opted in, the time they were observed and available per hour
 * of their own zone (intervals between aggregate changes, closed at each local hour boundary and at shutdown).
 * Changes are collected and written in one transaction per flush; shutdown writes the whole cache with real
 * confirmation times.
 *
 * In a cluster every instance holds every person's aggregate, so only one, the {@link Timekeeper}, counts pattern
 * time (the store adds what it is given: N instances would count each hour N times). It observes the changes other
 * instances made too; one that becomes the timekeeper starts its intervals at once, and one that stops being it
 * drops its open ones (closed time is written as usual).
 */
@Injectable()
export class PresencePersistence implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Persistence');
  private snapshots = new Map<string, SnapshotEntry>();
  private audit: AuditEntry[] = [];
  private readonly patterns = new PatternAccountant();
  private lastPatternPurge = 0;
  /** When the snapshot was restored: older confirmations are in the store already (none restored: write all). */
  private restoredAt = -Infinity;
  private readonly stops: (() => void)[] = [];
  private flushing: Promise<void> = Promise.resolve();
  /** The snapshot keys the flush under way is writing. */
  private readonly writing = new Set<string>();
  /** Who was dropped while the flush under way was writing: if it fails, none of what it took of them is put back. */
  private droppedWhileWriting: { userId: string; platform?: Platform }[] | undefined;
  /** Shutting down: the final flush is the last, a failed one is not tried again. */
  private closing = false;
  /** Whether this instance counts pattern time (it is the timekeeper) since the restore. */
  private countsPatterns = false;

  constructor(
    private readonly events: PresenceEvents,
    private readonly scheduler: NestScheduler,
    private readonly preferences: PreferencesCache,
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    @Inject(PRESENCE_CACHE) private readonly cache: MemoryPresenceCache,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly aggregator: PresenceAggregator,
    private readonly timekeeper: Timekeeper,
  ) {}

  onModuleInit(): void {
    this.stops.push(
      this.events.on('presence.changed', ({ userId, platform, presence, previousStatus }) => this.onPresence(userId, platform, presence, previousStatus ?? null)),
      this.events.on('aggregate.changed', ({ userId, status, available }) => {
        this.observePattern(userId, status, available, this.clock.now());
        this.armPatternHour();
      }),
      this.events.on('cluster.aggregate.changed', ({ userId, status, available }) => {
        if (!this.countsPatterns) return;
        this.observePattern(userId, status, available, this.clock.now());
        this.armPatternHour();
        // No snapshot of ours comes with another instance's change: the time it closed is written on its own (only
        // for people who opted in: others' changes must not cost this instance a flush each).
        if (this.patterns.isOpen(userId)) this.arm(true);
      }),
      this.events.on('person.forgotten', ({ userId, platform }) => this.drop(userId, platform)),
      this.events.on('platform.changed', ({ platform, state, lastError }) => {
        // Only stored connections have a row; for the others the store answers false and nothing happens.
        const stored = state === 'up' ? 'connected' : lastError?.code === 'AUTH_INVALID' || lastError?.code === 'PERMISSION_DENIED' ? 'auth_failed' : 'degraded';
        this.store.connections
          .setState(platform, stored, state === 'up' ? undefined : lastError?.message)
          .catch((error: unknown) => this.logger.error(`recording ${platform} state failed: ${(error as Error).message}`));
      }),
    );
  }

  /**
   * Call once the snapshot is restored. Restored people report no change, so the first pattern tick, soon
   * after, opens their intervals. (A change's audit row needs nothing from here: core hands each presence
   * change the platform record's previous status, the restored one included.)
   */
  restored(): void {
    this.restoredAt = this.clock.now();
    this.stops.push(this.timekeeper.onChange((holding) => this.countPatterns(holding)));
    this.countPatterns(this.timekeeper.holding);
    this.timekeeper.start();
  }

  /** Starts counting (the first pattern tick, soon, opens the opted-in people's intervals), or stops and drops what is open. */
  private countPatterns(holding: boolean): void {
    this.countsPatterns = holding;
    if (holding) {
      if (!this.scheduler.pending().includes(PATTERN_HOUR)) this.scheduler.schedule(PATTERN_HOUR, this.config.tuning.snapshotFlushMs, () => this.patternHour());
      return;
    }
    this.scheduler.cancel(PATTERN_HOUR);
    for (const userId of [...this.patterns.people()]) this.patterns.forget(userId);
  }

  /** Writes everything pending now, in one transaction. */
  async flush(): Promise<void> {
    this.scheduler.cancel(FLUSH);
    const run = this.flushing.then(() => this.writePending());
    this.flushing = run.catch(() => undefined);
    return run;
  }

  /**
   * Shutdown: stop listening, then write every record confirmed since the restore with its real confirmation
   * time. A record restored and not read since is in the store as it is (100,000 people on six platforms took
   * most of a minute to write again).
   */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    for (const stop of this.stops.splice(0)) stop();
    this.scheduler.cancel(PATTERN_HOUR);
    this.patterns.closeAll(this.clock.now(), false);
    for (const { userId, entry } of this.cache.entriesConfirmedSince(this.restoredAt)) {
      const platform = entry.record.platform;
      if (!this.isKept(userId, platform)) continue;
      this.snapshots.set(key(userId, platform), { userId, record: entry.record, confirmedAt: entry.confirmedAt });
    }
    await this.flush().catch((error: unknown) => this.logger.error(`final snapshot flush failed: ${(error as Error).message}`));
  }

  private onPresence(userId: string, platform: Platform, presence: PresenceData, previousStatus: PresenceStatus | null): void {
    if (previousStatus !== presence.status) this.audit.push({ userId, platform, from: previousStatus, to: presence.status, at: presence.lastUpdated });
    this.snapshots.set(key(userId, platform), { userId, record: presence, confirmedAt: this.clock.now() });
    this.arm();
  }

  /** Where the person's pattern time goes: their state from now on, if they opted in (else nothing is kept). */
  private observePattern(userId: string, status: PresenceStatus, available: boolean, atMs: number): void {
    if (!this.countsPatterns) return;
    const prefs = this.preferences.get(userId);
    if (!prefs?.patternsOptIn || prefs.optedOut) {
      if (this.patterns.isOpen(userId)) this.patterns.forget(userId);
      return;
    }
    this.patterns.observe(userId, prefs.quietHours?.timeZone ?? 'UTC', atMs, { observed: status !== 'unknown', available });
  }

  /**
   * At each local hour boundary: re-read every opted-in person's aggregate (a status that decayed or went
   * stale announces no change; a person who just opted in starts here), close the intervals there and write.
   */
  private patternHour(): void {
    if (!this.countsPatterns) return;
    const now = this.clock.now();
    for (const userId of this.aggregator.directory.people()) {
      if (!this.preferences.get(userId)?.patternsOptIn && !this.patterns.isOpen(userId)) continue;
      const { status, available } = this.aggregator.explain(userId);
      this.observePattern(userId, status, available, now);
    }
    this.patterns.closeAll(now);
    this.flush().catch((error: unknown) => this.logger.error(`pattern flush failed: ${(error as Error).message}`));
    if (now - this.lastPatternPurge >= PATTERN_PURGE_EVERY_MS) {
      this.lastPatternPurge = now;
      this.store.patterns
        .purge(this.config.patternRetentionDays)
        .catch((error: unknown) => this.logger.error(`pattern purge failed: ${(error as Error).message}`));
    }
    this.armPatternHour();
  }

  private armPatternHour(): void {
    const now = this.clock.now();
    const next = this.patterns.nextBoundary(now);
    if (next === undefined || this.scheduler.pending().includes(PATTERN_HOUR)) return;
    this.scheduler.schedule(PATTERN_HOUR, next - now, () => this.patternHour());
  }

  /** Schedules a flush when there is something to write (`patternTime`: time may have closed, written then). */
  private arm(patternTime = false): void {
    if (this.closing) return;
    if (this.snapshots.size + this.audit.length === 0 && !patternTime) return;
    if (this.scheduler.pending().includes(FLUSH)) return;
    this.scheduler.schedule(FLUSH, this.config.tuning.snapshotFlushMs, () => {
      this.flush().catch((error: unknown) => this.logger.error(`snapshot flush failed: ${(error as Error).message}`));
    });
  }

  /** An opted-out or erased person: nothing pending about them may reach the database afterwards. */
  private drop(userId: string, platform?: Platform): void {
    for (const [id, entry] of this.snapshots) {
      if (entry.userId === userId && (platform === undefined || entry.record.platform === platform)) this.snapshots.delete(id);
    }
    this.audit = this.audit.filter((entry) => !(entry.userId === userId && (platform === undefined || entry.platform === platform)));
    if (platform === undefined) this.patterns.forget(userId);
    this.droppedWhileWriting?.push(platform === undefined ? { userId } : { userId, platform });
    // A flush under way took their records before this, and may commit after the store deleted their rows (an
    // unlink, opt-out or erasure): delete them again once it has, before any later flush.
    if ((platform === undefined ? PLATFORMS : [platform]).some((each) => this.writing.has(key(userId, each)))) {
      this.flushing = this.flushing
        .then(() => this.store.snapshots.delete(userId, platform))
        .then(
          () => undefined,
          (error: unknown) => this.logger.error(`deleting a forgotten snapshot failed: ${(error as Error).message}`),
        );
    }
  }

  private isKept(userId: string, platform: Platform): boolean {
    return isMonitored(this.preferences.get(userId), platform, this.config.consentDefault);
  }

  private async writePending(): Promise<void> {
    const batch = this.store.createBatch({ linkedOnly: true });
    const snapshots = new Map<string, SnapshotEntry>();
    for (const [id, entry] of this.snapshots) {
      if (!this.isKept(entry.userId, entry.record.platform)) continue;
      batch.snapshot(entry.userId, entry.record, entry.confirmedAt);
      snapshots.set(id, entry);
      this.writing.add(id);
    }
    const audit = this.audit;
    for (const entry of audit) batch.change(entry);
    const patternTime = this.patterns.drain();
    for (const entry of patternTime) batch.time(entry);
    this.snapshots = new Map();
    this.audit = [];
    const dropped: { userId: string; platform?: Platform }[] = [];
    this.droppedWhileWriting = dropped;
    try {
      await batch.flush();
    } catch (error) {
      this.putBack(snapshots, audit, patternTime, dropped);
      throw error;
    } finally {
      this.writing.clear();
      this.droppedWhileWriting = undefined;
    }
  }

  /**
   * A failed flush wrote nothing (its batch is discarded): what it took is pending again, for a flush armed now
   * (every snapshotFlushMs while the database fails). A snapshot confirmed since stays, being newer; audit entries
   * go before the ones since, in order. Not what a drop (opt-out, erasure, unlink) removed while the flush was
   * under way: an erased person's rows must never reach the database afterwards.
   */
  private putBack(snapshots: Map<string, SnapshotEntry>, audit: AuditEntry[], patternTime: PatternTimeEntry[], dropped: { userId: string; platform?: Platform }[]): void {
    const isDropped = (userId: string, platform?: Platform): boolean =>
      dropped.some((drop) => drop.userId === userId && (drop.platform === undefined || drop.platform === platform));
    for (const [id, entry] of snapshots) {
      if (!this.snapshots.has(id) && !isDropped(entry.userId, entry.record.platform)) this.snapshots.set(id, entry);
    }
    this.audit = [...audit.filter((entry) => !isDropped(entry.userId, entry.platform)), ...this.audit];
    // Pattern time is the person's, not a platform's: only dropping the whole person forgets it (as drop does).
    const keptTime = patternTime.filter((entry) => !isDropped(entry.userId));
    this.patterns.restore(keptTime);
    this.arm(keptTime.length > 0);
  }
}
