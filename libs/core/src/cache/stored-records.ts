import type { DeviceStatuses } from '../model/presence';

/**
 * Snapshot records as columns, the way a store reads a page of them: record i is element i of every array.
 * Times are epoch milliseconds (null: none). The detail columns may be left out when the store keeps no
 * details. What `PresenceAggregator.restoreRecords` loads: no record object or `Date` per record on the way in.
 */
export interface StoredRecords {
  readonly userId: readonly string[];
  readonly platform: readonly string[];
  readonly status: readonly string[];
  /** The record's `lastUpdated`. */
  readonly lastUpdated: readonly number[];
  /** When a platform last confirmed the record: restored as is, so its age (and the TTL) still counts. */
  readonly confirmedAt: readonly number[];
  readonly lastSeen: readonly (number | null)[];
  readonly expiresAt: readonly (number | null)[];
  readonly sequence: readonly (string | null)[];
  readonly rawStatus?: readonly (string | null)[];
  readonly activity?: readonly (string | null)[];
  readonly customMessage?: readonly (string | null)[];
  readonly devices?: readonly (DeviceStatuses | null)[];
}
