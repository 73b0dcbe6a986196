import type { AggregateChange, BreakerState, Platform, PresenceData, PresenceStatus } from '@amo/presence-core';
import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';

/** A platform's state as the service reports it in /v1/platforms, /health and the stream. */
export type PlatformState = 'up' | 'degraded' | 'down' | 'connecting' | 'failed' | 'disconnected';

/** The one event map: every event the service publishes, with its payload. */
export interface PresenceEventMap {
  /**
   * A person's presence on one platform really changed (status, activity or message); `previousStatus` is what
   * that platform's record held before (a restored one included), null when there was none (core's bridge always
   * says; a handler shared with `cluster.presence.changed` gets none).
   */
  'presence.changed': { userId: string; platform: Platform; presence: PresenceData; previousStatus?: PresenceStatus | null };
  /** Accounts were linked (or consented) and have no reading yet: "linked, no data" until the first read. */
  'presence.awaiting': { userId: string; platforms: Platform[] };
  /**
   * A person's aggregate (status or availability) changed: core's change as it is (`byTime` when time alone moved
   * it, which every instance of a cluster finds on its own).
   */
  'aggregate.changed': { userId: string } & AggregateChange;
  /** A platform's reported health changed. */
  'platform.changed': {
    platform: Platform;
    state: PlatformState;
    breaker: BreakerState | null;
    lastError: { code: string; message: string; at: string } | null;
  };
  /**
   * Cluster mode: another instance's change, applied here from the bus. Only this instance's stream clients hear
   * it (the instance that made it stored it and sent its outbound events); `origin` names that instance.
   */
  'cluster.presence.changed': { userId: string; platform: Platform; presence: PresenceData; origin: string };
  'cluster.aggregate.changed': PresenceEventMap['aggregate.changed'] & { origin: string };
  /** Everything about a person was erased, or they opted out: listeners drop what they hold. */
  'person.forgotten': { userId: string; platform?: Platform };
}

export type PresenceEventName = keyof PresenceEventMap;

/** A typed face over @nestjs/event-emitter: names and payloads are checked against {@link PresenceEventMap}. */
@Injectable()
export class PresenceEvents {
  constructor(private readonly emitter: EventEmitter2) {}

  emit<K extends PresenceEventName>(name: K, payload: PresenceEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  /** Subscribes; returns the function that unsubscribes. A throwing handler never reaches the emitter. */
  on<K extends PresenceEventName>(name: K, handler: (payload: PresenceEventMap[K]) => void): () => void {
    const safe = (payload: PresenceEventMap[K]): void => {
      try {
        handler(payload);
      } catch {
        // One listener's failure is its own; the others still hear the event.
      }
    };
    this.emitter.on(name, safe);
    return () => {
      this.emitter.off(name, safe);
    };
  }
}
