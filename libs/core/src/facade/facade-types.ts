import type { AggregateResult, AggregationPolicyName } from '../aggregate/policies';
import type { PersonPreferences } from '../aggregate/preferences';
import type { IdentityDirectory } from '../identity/identity-directory';
import type { PresenceError } from '../model/errors';
import type { Platform } from '../model/platform';
import type { PresenceData } from '../model/presence';
import type { PresenceStatus } from '../model/status';
import type { AdapterFactory, ConnectionState } from '../ports/adapter';
import type { PresenceCache } from '../ports/cache';
import type { Clock } from '../ports/clock';
import type { Scheduler } from '../ports/scheduler';

/**
 * Listeners may be async: a rejected promise is contained like a throw (logged and counted).
 * `previousStatus` is the status the person's record on that platform held before (a restored one
 * included); null when there was none.
 */
export type PresenceListener = (userId: string, platform: Platform, presence: PresenceData, previousStatus: PresenceStatus | null) => unknown;

export interface AggregateChange {
  status: PresenceStatus;
  /** The status listeners were last told about for this person; null on the first announcement. */
  previousStatus: PresenceStatus | null;
  available: boolean;
  decidedBy: Platform | null;
  /** The aggregation policy the new status was decided by. */
  policy: AggregationPolicyName;
  /**
   * Set when time alone moved the answer (a TTL passed, a status decayed, a push connection dropped), found by a
   * re-evaluation rather than by a reading, link or setting: every holder of the same data finds it on its own.
   */
  byTime?: true;
}
export type AggregateListener = (userId: string, change: AggregateChange) => unknown;

export interface PlatformStateChange {
  platform: Platform;
  state: ConnectionState;
  error?: PresenceError;
}
export type PlatformListener = (change: PlatformStateChange) => unknown;

/** One person's presence explained: the aggregate, who decided, and each platform's record. */
export interface PresenceExplanation extends AggregateResult {
  userId: string;
  /** The aggregation policy this answer used: the person's own (preferences) or the service default. */
  policy: AggregationPolicyName;
  available: boolean;
  platforms: Partial<Record<Platform, PresenceData & { stale: boolean }>>;
  /** Linked and monitored platforms with no reading yet: "linked, no data" (status unknown, never seen). */
  awaiting: Platform[];
  updatedAt: Date | null;
}

export interface PresenceAggregatorOptions {
  clock?: Clock;
  scheduler?: Scheduler;
  cache?: PresenceCache;
  /**
   * A cache port written through on every accepted reading, restore and deletion, and never read (a cluster's
   * shared Redis cache), beside the embedded cache passed as `cache`.
   */
  mirror?: PresenceCache;
  directory?: IdentityDirectory;
  /** Builds adapters for `initializePlatform`; an app passes the factories of the adapter libs it uses. */
  adapterFactories?: Partial<Record<Platform, AdapterFactory>>;
  /** The seed's PRESENCE_POLL_INTERVAL, in ms (30 s). */
  pollIntervalMs?: number;
  pollIntervalsMs?: Partial<Record<Platform, number>>;
  /** The seed's PRESENCE_CACHE_TTL, in ms (300 s). */
  cacheTtlMs?: number;
  /** WhatsApp and LinkedIn: last seen within this window reads as online (300 s). */
  recencyWindowMs?: number;
  defaultPolicy?: AggregationPolicyName;
  /** Monitoring consent when a person has not said (granted unless set otherwise). */
  consentDefault?: boolean;
  /** A person's preferences; consulted before every poll and on every availability answer. */
  preferences?: (userId: string) => PersonPreferences | undefined;
  /** Most ids `areUsersAvailable` accepts in one call. */
  maxBatch?: number;
  /** Where the facade reports what it contains (a listener that threw or rejected, a push that failed to stop). */
  logger?: { warn(message: string): void };
  /**
   * Who polls: `loop` (default), one loop per polled platform in this process; `external`, no loop: a driver
   * (a cluster's queue workers) runs each batch through `pollBatch`, the same poll path. Push is unaffected.
   */
  polling?: 'loop' | 'external';
}

/** What one `pollBatch` did: the ids read (records ingested), the ids the platform does not know, what was left out. */
export interface PollOutcome {
  read: string[];
  notFound: string[];
  /** Ids not polled because they are not monitored here (unlinked, erased, opted out, consent withdrawn). */
  skipped: string[];
  /** Why the poll read nothing: the adapter's error (counted in statistics, like the loop's), or the platform not monitored. */
  error?: { code: string; message: string };
}

export const AGGREGATOR_DEFAULTS = {
  pollIntervalMs: 30_000,
  cacheTtlMs: 300_000,
  recencyWindowMs: 300_000,
  maxBatch: 1000,
  consentDefault: true,
};
