import { type Clock, type MemoryPresenceCache, type Platform, type PresenceData, type PresenceStatus, isMonitored } from '@amo/presence-core';
import type { AuditEntry, AvailabilitySample, PresenceStore, SnapshotEntry } from '@amo/presence-store';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PresenceEvents } from '../events/presence-events';
import { PRESENCE_CACHE } from '../presence/cache.provider';
import { CLOCK } from '../presence/clock.provider';
import { NestScheduler } from '../presence/nest-scheduler';
import { PreferencesCache } from '../presence/preferences-cache';
import { PRESENCE_STORE } from '../store/store.providers';

const FLUSH = 'presence:snapshot-flush';
const key = (userId: string, platform: Platform): string => `${userId}\u0000${platform}`;

/**
 * Writes what the change events say: the snapshot (last record per person and platform), the audit log
 * (status changes, no text) and availability samples for people who opted in. Changes are collected and
 * written in one transaction per flush; shutdown writes the whole cache with real confirmation times.
 */
@Injectable()
export class PresencePersistence implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Persistence');
  private snapshots = new Map<string, SnapshotEntry>();
  private audit: AuditEntry[] = [];
  private samples: AvailabilitySample[] = [];
  private readonly lastStatus = new Map<string, PresenceStatus>();
  private readonly stops: (() => void)[] = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly events: PresenceEvents,
    private readonly scheduler: NestScheduler,
    private readonly preferences: PreferencesCache,
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    @Inject(PRESENCE_CACHE) private readonly cache: MemoryPresenceCache,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.stops.push(
      this.events.on('presence.changed', ({ userId, platform, presence }) => this.onPresence(userId, platform, presence)),
      this.events.on('aggregate.changed', ({ userId, available }) => {
        if (this.preferences.get(userId)?.patternsOptIn) this.samples.push({ userId, at: this.clock.now(), available });
        this.arm();
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

  /** Remembers restored statuses, so the first change after a restart is audited from the right status. */
  remember(userId: string, record: PresenceData): void {
    this.lastStatus.set(key(userId, record.platform), record.status);
  }

  /** Writes everything pending now, in one transaction. */
  async flush(): Promise<void> {
    this.scheduler.cancel(FLUSH);
    const run = this.flushing.then(() => this.writePending());
    this.flushing = run.catch(() => undefined);
    return run;
  }

  /** Shutdown: stop listening, then write every cached record with its real confirmation time. */
  async onModuleDestroy(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    for (const userId of [...this.cache.userIds()]) {
      for (const entry of this.cache.entries(userId)) {
        const platform = entry.record.platform;
        if (!this.isKept(userId, platform)) continue;
        this.snapshots.set(key(userId, platform), { userId, record: entry.record, confirmedAt: entry.confirmedAt });
      }
    }
    await this.flush().catch((error: unknown) => this.logger.error(`final snapshot flush failed: ${(error as Error).message}`));
  }

  private onPresence(userId: string, platform: Platform, presence: PresenceData): void {
    const id = key(userId, platform);
    const before = this.lastStatus.get(id) ?? null;
    if (before !== presence.status) {
      this.audit.push({ userId, platform, from: before, to: presence.status, at: presence.lastUpdated });
      this.lastStatus.set(id, presence.status);
    }
    this.snapshots.set(id, { userId, record: presence, confirmedAt: this.clock.now() });
    this.arm();
  }

  private arm(): void {
    if (this.snapshots.size + this.audit.length + this.samples.length === 0) return;
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
    if (platform === undefined) this.samples = this.samples.filter((sample) => sample.userId !== userId);
    for (const id of [...this.lastStatus.keys()]) {
      if (id.startsWith(`${userId}\u0000`) && (platform === undefined || id === key(userId, platform))) this.lastStatus.delete(id);
    }
  }

  private isKept(userId: string, platform: Platform): boolean {
    return isMonitored(this.preferences.get(userId), platform, this.config.consentDefault);
  }

  private async writePending(): Promise<void> {
    const batch = this.store.createBatch();
    for (const entry of this.snapshots.values()) {
      if (this.isKept(entry.userId, entry.record.platform)) batch.snapshot(entry.userId, entry.record, entry.confirmedAt);
    }
    for (const entry of this.audit) batch.change(entry);
    for (const sample of this.samples) batch.sample(sample);
    this.snapshots = new Map();
    this.audit = [];
    this.samples = [];
    await batch.flush();
  }
}
