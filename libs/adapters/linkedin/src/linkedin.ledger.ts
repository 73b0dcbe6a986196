import { DEFAULT_RECENCY_WINDOW_MS, type PlatformPresence, recencyStatus } from '@amo/presence-core';
import type { LinkedInSignal } from './linkedin.signals';

interface MemberState {
  lastSeen: Date;
  action: string;
}

/**
 * The newest act per member, for `fetchPresence` (no LinkedIn call can answer it). Moves only forward in time,
 * so LinkedIn's redeliveries (every 5 minutes for 8 hours) and out-of-order batches are harmless. Bounded: the
 * member heard from least recently is forgotten first.
 */
export class LinkedInSignalLedger {
  private readonly members = new Map<string, MemberState>();

  constructor(private readonly maxEntries = 50_000) {}

  /** Applies signals; returns the members whose lastSeen moved forward. */
  apply(signals: readonly LinkedInSignal[], nowMs: number): string[] {
    const advanced = new Set<string>();
    for (const signal of signals) {
      const at = new Date(Math.min(signal.at.getTime(), nowMs));
      const held = this.members.get(signal.memberUrn);
      if (held && held.lastSeen >= at) continue;
      this.members.delete(signal.memberUrn);
      this.members.set(signal.memberUrn, { lastSeen: at, action: signal.action });
      advanced.add(signal.memberUrn);
    }
    while (this.members.size > this.maxEntries) {
      const oldest = this.members.keys().next().value as string;
      this.members.delete(oldest);
      advanced.delete(oldest);
    }
    return [...advanced];
  }

  /** The record for a member who acted; undefined when none did (core then reports unknown, never offline). */
  record(memberUrn: string, nowMs: number, windowMs = DEFAULT_RECENCY_WINDOW_MS): PlatformPresence | undefined {
    const state = this.members.get(memberUrn);
    if (!state) return undefined;
    return {
      platform: 'linkedin',
      accountId: memberUrn,
      status: recencyStatus(state.lastSeen, nowMs, windowMs),
      rawStatus: state.action,
      lastSeen: state.lastSeen,
      observedAt: state.lastSeen,
    };
  }

  get size(): number {
    return this.members.size;
  }
}
