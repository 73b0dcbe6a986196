import { DEFAULT_RECENCY_WINDOW_MS, type PlatformPresence, recencyStatus } from '@amo/presence-core';
import type { WhatsAppSignal, WhatsAppSignalKind } from './whatsapp.signals';

/** What the adapter knows about one person: the newest strong signal, and the newest reachability proof. */
export interface WhatsAppSignalState {
  waId: string;
  /** Newest strong signal (inbound message or read receipt); undefined if only `delivered` was ever seen. */
  lastSeen?: Date;
  lastSeenBy?: Exclude<WhatsAppSignalKind, 'delivered'>;
  /** Newest `delivered` status: the phone was online then. Never makes anyone online. */
  reachableAt?: Date;
}

/**
 * Per-person signal memory for `fetchPresence` (no network read can answer it). Only ever moves forward in
 * time, so duplicates and out-of-order deliveries are harmless. Bounded: the person heard from least recently
 * is forgotten first.
 */
export class WhatsAppSignalLedger {
  private readonly states = new Map<string, WhatsAppSignalState>();

  constructor(private readonly maxEntries = 50_000) {}

  /** Applies signals; returns the people whose lastSeen moved forward (the only changes worth pushing). */
  apply(signals: readonly WhatsAppSignal[], nowMs: number): string[] {
    const advanced = new Set<string>();
    for (const signal of signals) {
      const at = new Date(Math.min(signal.at.getTime(), nowMs));
      const state = this.states.get(signal.waId) ?? { waId: signal.waId };
      if (signal.kind === 'delivered') {
        if (!state.reachableAt || at > state.reachableAt) state.reachableAt = at;
      } else if (!state.lastSeen || at > state.lastSeen) {
        state.lastSeen = at;
        state.lastSeenBy = signal.kind;
        advanced.add(signal.waId);
      }
      // Re-inserting keeps the map ordered from least to most recently heard from.
      this.states.delete(signal.waId);
      this.states.set(signal.waId, state);
    }
    while (this.states.size > this.maxEntries) {
      const oldest = this.states.keys().next().value as string;
      this.states.delete(oldest);
      advanced.delete(oldest);
    }
    return [...advanced];
  }

  state(waId: string): WhatsAppSignalState | undefined {
    const state = this.states.get(waId);
    return state && { ...state };
  }

  /** The record for a person with a strong signal; undefined for never seen (core then reports unknown). */
  record(waId: string, nowMs: number, windowMs = DEFAULT_RECENCY_WINDOW_MS): PlatformPresence | undefined {
    const state = this.states.get(waId);
    if (!state?.lastSeen) return undefined;
    return {
      platform: 'whatsapp',
      accountId: waId,
      status: recencyStatus(state.lastSeen, nowMs, windowMs),
      rawStatus: state.lastSeenBy,
      lastSeen: state.lastSeen,
      observedAt: state.lastSeen,
    };
  }

  get size(): number {
    return this.states.size;
  }

  clear(): void {
    this.states.clear();
  }
}
