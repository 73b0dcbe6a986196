import { isAvailable, isMonitored } from '../aggregate/preferences';
import { announcedCode, announcedStatus, SLOTS } from '../cache/presence-table';
import type { StoredRecords } from '../cache/stored-records';
import { isValidId, validateId } from '../identity/id-rule';
import { PLATFORMS, type Platform } from '../model/platform';
import type { PlatformPresence, PresenceData } from '../model/presence';
import { PRESENCE_STATUSES, type PresenceStatus } from '../model/status';
import type { Engine } from './engine';
import { toPresenceData } from './records';

const SLOT = new Map<Platform, number>(PLATFORMS.map((platform, index) => [platform, index]));
const STATUS = new Map<PresenceStatus, number>(PRESENCE_STATUSES.map((status, index) => [status, index]));

/**
 * Readings in: an account resolves to its table row in one lookup, and each accepted reading overwrites one
 * slot's columns in place (nothing kept per reading, so nothing for the collector). Listeners hear real changes
 * (`isPresenceChange`) as a record built from the reading; people whose slot changed are re-aggregated from
 * their six slots, and aggregate listeners hear when the answer moved.
 */
export class Ingestion {
  /** People touched by the ingest call in progress (re-entrant calls get their own). */
  private touched = new Int32Array(256);
  private depth = 0;

  constructor(private readonly engine: Engine) {}

  ingest(platform: Platform, records: readonly PlatformPresence[]): number {
    const slot = SLOT.get(platform);
    if (slot === undefined) return 0;
    const { table, counters, options, presenceListeners, mirror, directory, links } = this.engine;
    const now = this.engine.clock.now();
    const stats = counters.platform(platform);
    // Accounts resolve straight to table rows when the directory shares the table's person index; another
    // directory implementation costs a second lookup (account -> person id -> row).
    const handles = links !== undefined && links.index === table.index ? links.handlesOn(platform) : undefined;
    const preferences = options.preferences;
    const consentDefault = options.consentDefault;
    const listening = presenceListeners.size > 0 || mirror !== undefined;
    const tracking = this.tracking();
    if (tracking) this.engine.rules.refresh();
    let touched = this.touched;
    if (this.depth > 0) touched = new Int32Array(records.length);
    else if (touched.length < records.length) touched = this.touched = new Int32Array(records.length);
    let count = 0;
    let changes = 0;
    this.depth++;
    try {
      for (let i = 0; i < records.length; i++) {
        const record = records[i];
        if (record.unrecognized) stats.unrecognized++;
        let handle = -1;
        if (handles !== undefined) {
          const known = handles.get(record.accountId);
          if (known !== undefined) handle = known;
        } else {
          // Another directory may not check ids as the in-memory one does: a malformed account is linked to nobody.
          const owner = directory.personOf(platform, record.accountId);
          if (owner !== undefined && isValidId(record.accountId) && isValidId(owner)) handle = table.intern(owner);
        }
        if (handle < 0 || (preferences !== undefined ? !isMonitored(preferences(table.userIdOf[handle] as string), platform, consentDefault) : !consentDefault)) {
          counters.dropped++;
          continue;
        }
        const index = handle * SLOTS + slot;
        const at = record.observedAt.getTime();
        const held = (table.present[handle] & (1 << slot)) !== 0;
        if (held && table.isOlder(index, record.sequence, record.sequenceScope, at)) continue;
        const changed = !held || table.differs(index, record);
        const previous = held ? table.status[index] : -1;
        table.put(handle, slot, record, at, now);
        if (tracking) touched[count++] = handle;
        if (!changed && mirror === undefined) continue;
        // Listeners get the reading as a record of its own, not kept here: it dies young when they drop it.
        const userId = table.userIdOf[handle] as string;
        const data = listening ? toPresenceData(userId, record) : undefined;
        if (mirror !== undefined) mirror.set(userId, platform, { record: data as PresenceData, confirmedAt: now });
        if (!changed) continue;
        changes++;
        counters.changesEmitted++;
        if (data !== undefined) presenceListeners.emit(userId, platform, data, previous < 0 ? null : PRESENCE_STATUSES[previous]);
      }
      // A person read twice in one call is re-aggregated twice; the second finds nothing new to announce.
      for (let i = 0; i < count; i++) this.updateAggregate(touched[i], now);
    } finally {
      this.depth--;
    }
    return changes;
  }

  /** Loads a record restored from storage with its real confirmation time, so its age still counts. */
  restore(userId: string, record: PresenceData, confirmedAt: number): void {
    validateId(userId, 'userId');
    const slot = SLOT.get(record.platform);
    if (slot === undefined) return;
    this.engine.table.put(this.engine.table.intern(userId), slot, record, record.lastUpdated.getTime(), confirmedAt);
    this.engine.mirror?.set(userId, record.platform, { record, confirmedAt });
  }

  /**
   * Loads a page of stored records (columns, as a store reads them) with their real confirmation times, like
   * {@link restore} without a record per row: rows of one person come together, so a person's id is looked up
   * once for their rows. No listener hears a restored record; the first live reading is compared with it.
   * Rows whose person id breaks the id rule, or whose platform or status core does not know, are left out.
   */
  restoreRecords(records: StoredRecords): number {
    const { table, mirror } = this.engine;
    const { userId: userIds, platform: platforms, status: statuses, lastUpdated } = records;
    let count = 0;
    let lastUserId: string | undefined;
    let handle = -1;
    for (let i = 0; i < userIds.length; i++) {
      const slot = SLOT.get(platforms[i] as Platform);
      const status = STATUS.get(statuses[i] as PresenceStatus);
      if (slot === undefined || status === undefined || typeof lastUpdated[i] !== 'number') continue;
      const userId = userIds[i];
      if (userId !== lastUserId) {
        if (!isValidId(userId)) continue;
        handle = table.intern(userId);
        lastUserId = userId;
      }
      table.putStored(handle, slot, status, records, i);
      if (mirror !== undefined) mirror.set(userId, PLATFORMS[slot], { record: table.record(handle, slot) as PresenceData, confirmedAt: records.confirmedAt[i] });
      count++;
    }
    return count;
  }

  /** Drops everything held about a person (opt-out, erasure), or one platform's record. */
  forget(userId: string, platform?: Platform): void {
    validateId(userId, 'userId');
    const { table, mirror } = this.engine;
    mirror?.delete(userId, platform);
    const handle = table.handleOf(userId);
    if (handle < 0) return;
    if (platform === undefined) return table.release(handle);
    const slot = SLOT.get(platform);
    if (slot !== undefined) table.clear(handle, slot);
    if (!this.tracking()) return;
    this.engine.rules.refresh();
    this.updateAggregate(handle, this.engine.clock.now());
  }

  /** Re-aggregates people whose answer may have changed with time (TTL, decay, a dropped connection). */
  reevaluate(platform?: Platform): void {
    if (!this.tracking()) return;
    this.engine.rules.refresh();
    const now = this.engine.clock.now();
    const bit = platform === undefined ? 0xff : 1 << (SLOT.get(platform) ?? 0);
    const { table } = this.engine;
    for (const handle of table.heldHandles()) if ((table.present[handle] & bit) !== 0) this.updateAggregate(handle, now, true);
  }

  /** Aggregates are followed while someone listens, and for people already told about (nothing otherwise). */
  private tracking(): boolean {
    return this.engine.aggregateListeners.size > 0 || this.engine.table.announcing;
  }

  /** Call with the rules refreshed; `byTime` when a re-evaluation, not a change of data, asks. */
  private updateAggregate(handle: number, now: number, byTime = false): void {
    const { table, evaluator, options, settings } = this.engine;
    const previous = table.announced[handle];
    const userId = table.userIdOf[handle];
    if (userId === undefined || (previous === 0 && this.engine.aggregateListeners.size === 0)) return;
    const prefs = options.preferences?.(userId);
    const policy = prefs?.policy ?? settings.policy;
    evaluator.evaluate(handle, policy === 'busy-wins', now);
    const status = PRESENCE_STATUSES[evaluator.statusIndex];
    const available = isAvailable(status, prefs, now, options.consentDefault);
    const code = announcedCode(evaluator.statusIndex, available);
    if (code === previous) return;
    table.announce(handle, code);
    const decidedBy = evaluator.winner < 0 ? null : PLATFORMS[evaluator.winner];
    const previousStatus = announcedStatus(previous);
    this.engine.aggregateListeners.emit(
      userId,
      byTime ? { status, previousStatus, available, decidedBy, policy, byTime } : { status, previousStatus, available, decidedBy, policy },
    );
  }
}
