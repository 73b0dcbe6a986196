import { DEFAULT_RECENCY_WINDOW_MS, type Platform, type PlatformPresence, recencyStatus } from '@amo/presence-core';

/**
 * One fact a platform gave about an account's activity, read out of a webhook: "this account acted at `at`".
 * Platforms without a presence API (WhatsApp, LinkedIn) have nothing else to go on.
 */
export interface RecencySignal {
  /** The platform's account id (a wa_id, a member URN). */
  accountId: string;
  /** The platform's own event time (clamped to now when it is applied). */
  at: Date;
  /** What was seen (`message`, `read`, `COMMENT`...); becomes the record's `rawStatus`. */
  kind: string;
  /**
   * A weak signal proves only that the account was reachable (WhatsApp's `delivered`): it is remembered as
   * `reachableAt` and never makes anyone seen.
   */
  weak?: boolean;
}

/** What is remembered about one account. */
export interface RecencyState {
  accountId: string;
  /** Newest strong signal; undefined when only weak ones were received. */
  lastSeen?: Date;
  /** The kind of that signal. */
  lastSeenBy?: string;
  /** Newest weak signal. */
  reachableAt?: Date;
}

/**
 * The record a lastSeen stands for: online within the recency window, away after it (core re-derives the status
 * at read time), observedAt = lastSeen so core drops a late record older than the one it holds.
 */
export function recencyRecord(
  platform: Platform,
  accountId: string,
  lastSeen: Date,
  kind: string,
  nowMs: number,
  windowMs = DEFAULT_RECENCY_WINDOW_MS,
): PlatformPresence {
  return { platform, accountId, status: recencyStatus(lastSeen, nowMs, windowMs), rawStatus: kind, lastSeen, observedAt: lastSeen };
}

/** A signal's time, never later than now: a skewed sender cannot make someone online in the future. */
function clampedAt(signal: RecencySignal, nowMs: number): Date {
  return new Date(Math.min(signal.at.getTime(), nowMs));
}

/**
 * The records one delivery stands for: the newest strong signal per account (the first one on a tie), its time
 * clamped to now. Weak signals make no record: a record without lastSeen would replace one that has it.
 */
export function recencyRecords(
  platform: Platform,
  signals: readonly RecencySignal[],
  nowMs: number,
  windowMs = DEFAULT_RECENCY_WINDOW_MS,
): PlatformPresence[] {
  const newest = new Map<string, RecencySignal>();
  for (const signal of signals) {
    if (signal.weak) continue;
    const held = newest.get(signal.accountId);
    if (!held || signal.at.getTime() > held.at.getTime()) newest.set(signal.accountId, signal);
  }
  return [...newest.values()].map((signal) => recencyRecord(platform, signal.accountId, clampedAt(signal, nowMs), signal.kind, nowMs, windowMs));
}

/**
 * Per-account signal memory, for a `fetchPresence` no network read can answer. It only ever moves forward in
 * time, so duplicate, redelivered and out-of-order signals are harmless: a signal that moves nothing forward
 * changes nothing, not even the order of forgetting. Bounded: past `maxEntries`, the account whose memory moved
 * forward least recently is forgotten first.
 */
export class RecencyLedger {
  // Map order is the forgetting order: an entry is re-inserted whenever it moves forward.
  private readonly states = new Map<string, RecencyState>();

  constructor(
    private readonly platform: Platform,
    private readonly maxEntries = 50_000,
  ) {}

  /** Applies signals; returns the accounts whose lastSeen moved forward (the only changes worth pushing). */
  apply(signals: readonly RecencySignal[], nowMs: number): string[] {
    const advanced = new Set<string>();
    for (const signal of signals) {
      const at = clampedAt(signal, nowMs);
      const held = this.states.get(signal.accountId);
      const state: RecencyState = held ? { ...held } : { accountId: signal.accountId };
      if (signal.weak) {
        if (state.reachableAt && at <= state.reachableAt) continue;
        state.reachableAt = at;
      } else {
        if (state.lastSeen && at <= state.lastSeen) continue;
        state.lastSeen = at;
        state.lastSeenBy = signal.kind;
        advanced.add(signal.accountId);
      }
      this.states.delete(signal.accountId);
      this.states.set(signal.accountId, state);
    }
    while (this.states.size > this.maxEntries) {
      const oldest = this.states.keys().next().value as string;
      this.states.delete(oldest);
      advanced.delete(oldest);
    }
    return [...advanced];
  }

  /** A copy of what is remembered about one account, weak signals included. */
  state(accountId: string): RecencyState | undefined {
    const state = this.states.get(accountId);
    return state && { ...state };
  }

  /** The record for an account with a strong signal; undefined for never seen (core then reports unknown). */
  record(accountId: string, nowMs: number, windowMs = DEFAULT_RECENCY_WINDOW_MS): PlatformPresence | undefined {
    const state = this.states.get(accountId);
    if (!state?.lastSeen) return undefined;
    return recencyRecord(this.platform, accountId, state.lastSeen, state.lastSeenBy ?? '', nowMs, windowMs);
  }

  /** Every remembered account, oldest remembered first. */
  accountIds(): string[] {
    return [...this.states.keys()];
  }

  get size(): number {
    return this.states.size;
  }

  clear(): void {
    this.states.clear();
  }
}
