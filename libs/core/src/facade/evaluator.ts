import { type PresenceTable, SLOTS } from '../cache/presence-table';
import type { PresenceData } from '../model/presence';
import { PRESENCE_STATUSES, STATUS_PRIORITY } from '../model/status';
import { INFERRED, type PlatformRules, POLL, PUSH } from './platform-rules';

const UNKNOWN = PRESENCE_STATUSES.indexOf('unknown');
const BUSY = PRESENCE_STATUSES.indexOf('busy');
const ONLINE = PRESENCE_STATUSES.indexOf('online');
const AWAY = PRESENCE_STATUSES.indexOf('away');
const PRIORITY_BY_INDEX = Uint8Array.from(PRESENCE_STATUSES, (status) => STATUS_PRIORITY[status]);
/** Under busy-wins a fresh busy outranks everything; ties still go to the most recent, then platform order. */
const BUSY_WINS_RANK = 6;

/**
 * Decides a person from their six slots without allocating: freshness is a timestamp comparison per slot,
 * the winner the highest rank, then the most recent, then the lower platform slot (the policies' order).
 * Results are left in fields, read right after `evaluate`.
 */
export class Evaluator {
  /** The deciding slot, or -1 when no fresh record remained. */
  winner = -1;
  /** The aggregate status, as its index in PRESENCE_STATUSES. */
  statusIndex = UNKNOWN;
  freshCount = 0;
  staleCount = 0;
  /**
   * Until when (epoch ms, exclusive) this answer holds with nothing else changing: the first moment time alone
   * would change it (a polled record's TTL, a status end time, an inferred status decaying); Infinity if never.
   */
  until = Infinity;

  constructor(
    private readonly table: PresenceTable,
    private readonly rules: PlatformRules,
  ) {}

  evaluate(handle: number, busyWins: boolean, now: number): void {
    this.winner = -1;
    this.statusIndex = UNKNOWN;
    this.freshCount = 0;
    this.staleCount = 0;
    this.until = Infinity;
    if (handle < 0) return;
    const mask = this.table.present[handle];
    if (mask === 0) return;
    const { table, rules } = this;
    let bestRank = -1;
    let bestAt = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
      if ((mask & (1 << slot)) === 0) continue;
      if (!this.isFresh(handle, slot, now)) {
        // Stale stays stale as time moves on (only a reading or a rule change revives it).
        this.staleCount++;
        continue;
      }
      this.freshCount++;
      const index = handle * SLOTS + slot;
      if ((table.expiring[handle] & (1 << slot)) !== 0 && table.expiresAt[index] < this.until) this.until = table.expiresAt[index];
      const mode = rules.mode[slot];
      if (mode === POLL && table.confirmedAt[index] + rules.ttlMs[slot] < this.until) this.until = table.confirmedAt[index] + rules.ttlMs[slot];
      else if (mode === INFERRED && now - table.lastSeen[index] <= rules.recencyWindowMs && table.lastSeen[index] + rules.recencyWindowMs < this.until) {
        this.until = table.lastSeen[index] + rules.recencyWindowMs;
      }
      const status = this.currentStatus(handle, slot, now);
      const rank = busyWins && status === BUSY ? BUSY_WINS_RANK : PRIORITY_BY_INDEX[status];
      const at = this.table.updatedAt[index];
      if (rank > bestRank || (rank === bestRank && at > bestAt)) {
        bestRank = rank;
        bestAt = at;
        this.winner = slot;
        this.statusIndex = status;
      }
    }
  }

  /** Whether a held slot counts now: a timed status that ended never does; then the platform's mode decides. */
  isFresh(handle: number, slot: number, now: number): boolean {
    const index = handle * SLOTS + slot;
    if ((this.table.expiring[handle] & (1 << slot)) !== 0 && this.table.expiresAt[index] <= now) return false;
    switch (this.rules.mode[slot]) {
      case PUSH:
        return this.rules.up[slot] === 1;
      case POLL:
        return now - this.table.confirmedAt[index] < this.rules.ttlMs[slot];
      default:
        return true;
    }
  }

  /**
   * The slot's status as it reads now: inferred statuses decay with the time since last seen (normalize's
   * `recencyStatus` on the column's number: within the window online, older away, never seen unknown).
   */
  currentStatus(handle: number, slot: number, now: number): number {
    const index = handle * SLOTS + slot;
    if (this.rules.mode[slot] !== INFERRED) return this.table.status[index];
    const lastSeen = this.table.lastSeen[index];
    if (Number.isNaN(lastSeen)) return UNKNOWN;
    return now - lastSeen <= this.rules.recencyWindowMs ? ONLINE : AWAY;
  }

  /** The slot's record as it reads now (a decayed inferred record carries the current status). */
  currentRecord(handle: number, slot: number, now: number): PresenceData {
    return this.table.record(handle, slot, PRESENCE_STATUSES[this.currentStatus(handle, slot, now)]) as PresenceData;
  }
}

