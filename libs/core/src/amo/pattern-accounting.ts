import { nextLocalHourBoundary, splitByLocalHour } from './local-time';

/** Time in one local hour of one person (the store's pattern row, added to what it holds). */
export interface PatternTimeEntry {
  userId: string;
  /** Hours since 1970-01-01T00:00 of the person's wall clock (see `localHourAt`). */
  localHour: number;
  availableSeconds: number;
  observedSeconds: number;
}

/** What an interval counts as: observed when the aggregate was known, available when it said so. */
export interface PatternState {
  observed: boolean;
  available: boolean;
}

interface OpenInterval extends PatternState {
  timeZone: string;
  since: number;
}

/**
 * Turns a person's aggregate over time into seconds observed and available per local hour: each state
 * holds from the moment it is reported until the next one, split at the hours of the person's zone with
 * the offset of each instant. Changes are not counted, time is: an hour online then offline is one hour
 * available. Pure: callers pass the time.
 */
export class PatternAccountant {
  private readonly open = new Map<string, OpenInterval>();
  private pending = new Map<string, PatternTimeEntry>();

  /** The person's state from `atMs` on: the previous interval (if any) is closed there. */
  observe(userId: string, timeZone: string, atMs: number, state: PatternState): void {
    const current = this.open.get(userId);
    if (current && current.timeZone === timeZone && current.observed === state.observed && current.available === state.available) return;
    if (current) this.close(userId, current, atMs);
    this.open.set(userId, { ...state, timeZone, since: atMs });
  }

  isOpen(userId: string): boolean {
    return this.open.has(userId);
  }

  /** People with an open interval. */
  people(): IterableIterator<string> {
    return this.open.keys();
  }

  /** Closes every open interval at `atMs`; they continue from there unless `reopen` is false (shutdown). */
  closeAll(atMs: number, reopen = true): void {
    for (const [userId, interval] of [...this.open]) {
      this.close(userId, interval, atMs);
      if (reopen) this.open.set(userId, { ...interval, since: atMs });
      else this.open.delete(userId);
    }
  }

  /** Drops the person: their open interval and anything not yet drained (erasure, opt-out). */
  forget(userId: string): void {
    this.open.delete(userId);
    for (const [key, entry] of this.pending) if (entry.userId === userId) this.pending.delete(key);
  }

  /** The earliest local hour boundary after `atMs` among the open people's zones. */
  nextBoundary(atMs: number): number | undefined {
    let next: number | undefined;
    for (const zone of new Set([...this.open.values()].map((interval) => interval.timeZone))) {
      const boundary = nextLocalHourBoundary(zone, atMs);
      if (next === undefined || boundary < next) next = boundary;
    }
    return next;
  }

  /** Closed time since the last drain, whole seconds (entries with no observed time are left out). */
  drain(): PatternTimeEntry[] {
    const entries = [...this.pending.values()]
      .map((entry) => ({ ...entry, availableSeconds: Math.round(entry.availableSeconds), observedSeconds: Math.round(entry.observedSeconds) }))
      .filter((entry) => entry.observedSeconds > 0);
    this.pending = new Map();
    return entries;
  }

  /** Puts entries back after a failed write, so the time is not lost. */
  restore(entries: readonly PatternTimeEntry[]): void {
    for (const entry of entries) this.add(entry.userId, entry.localHour, entry.observedSeconds, entry.availableSeconds);
  }

  private close(userId: string, interval: OpenInterval, atMs: number): void {
    if (!interval.observed || atMs <= interval.since) return;
    for (const share of splitByLocalHour(interval.timeZone, interval.since, atMs)) {
      this.add(userId, share.localHour, share.seconds, interval.available ? share.seconds : 0);
    }
  }

  private add(userId: string, localHour: number, observed: number, available: number): void {
    const key = `${userId}\u0000${localHour}`;
    const entry = this.pending.get(key) ?? { userId, localHour, availableSeconds: 0, observedSeconds: 0 };
    entry.observedSeconds += observed;
    entry.availableSeconds += available;
    this.pending.set(key, entry);
  }
}
