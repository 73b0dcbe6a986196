import type { PresenceData } from '../model/presence';
import { recencyStatus } from '../normalize/recency';
import type { CacheEntry } from '../ports/cache';
import type { FreshnessMode } from '../ports/adapter';

/** What decides whether one platform's records are still confirmed. */
export interface FreshnessRule {
  mode: FreshnessMode;
  /** For `poll`: how long a record stays fresh without a successful re-read. */
  ttlMs: number;
  /** For `push`: whether the live connection or subscription is up right now. */
  connectionUp: boolean;
  /** For `inferred`: last seen within this window reads as online. */
  recencyWindowMs: number;
}

/**
 * How long one sweep of `ids` really takes: never less than one poll interval, and never less than the
 * budget allows (`ids / idsPerMinute`, in milliseconds: a workspace of 4 people sweeps in seconds, not a minute).
 */
export function sweepMs(ids: number, idsPerMinute: number | undefined, intervalMs: number): number {
  const byBudget = idsPerMinute === undefined || idsPerMinute <= 0 ? 0 : (ids * 60_000) / idsPerMinute;
  return Math.max(intervalMs, Math.ceil(byBudget));
}

/**
 * The TTL for polled platforms: the configured TTL, raised to twice the real sweep time, so a record that
 * can no longer be re-read goes stale within about max(TTL, 2 x sweep).
 */
export function effectiveTtlMs(cacheTtlMs: number, ids: number, idsPerMinute?: number, intervalMs = 0): number {
  if (ids === 0) return cacheTtlMs;
  return Math.max(cacheTtlMs, 2 * sweepMs(ids, idsPerMinute, intervalMs));
}

export function isFresh(entry: CacheEntry, rule: FreshnessRule, nowMs: number): boolean {
  // A timed status (Do Not Disturb for 30 minutes) no longer holds once it ends, whatever the mode.
  if (entry.record.expiresAt !== undefined && entry.record.expiresAt.getTime() <= nowMs) return false;
  switch (rule.mode) {
    case 'push':
      return rule.connectionUp;
    case 'poll':
      return nowMs - entry.confirmedAt < rule.ttlMs;
    case 'inferred':
      return true;
  }
}

/** The record as it reads now: inferred statuses decay with time since last seen. */
export function currentRecord(entry: CacheEntry, rule: FreshnessRule, nowMs: number): PresenceData {
  if (rule.mode !== 'inferred') return entry.record;
  const status = recencyStatus(entry.record.lastSeen, nowMs, rule.recencyWindowMs);
  return status === entry.record.status ? entry.record : { ...entry.record, status };
}
