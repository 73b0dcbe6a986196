import type { OutboundEventInput } from '@amo/presence-store';
import { randomUUID } from 'node:crypto';
import type { PresenceEventMap } from '../events/presence-events';

/** The event types a receiver gets. */
export type OutboundEventType = 'aggregate.changed' | 'platform.changed';

/** `data` of `aggregate.changed`: the same fields as the stream's `aggregate` message. */
export type AggregateChangedData = PresenceEventMap['aggregate.changed'];

/** `data` of `platform.changed`: the same fields as the stream's `platform` message. */
export type PlatformChangedData = PresenceEventMap['platform.changed'];

/**
 * The JSON body of every delivery (CONTRACT). `id` is unique per event and the same on every attempt, so a
 * receiver deduplicates by it (delivery is at least once); `at` is when the service saw the change.
 */
export type OutboundEventPayload =
  | { id: string; type: 'aggregate.changed'; at: string; data: AggregateChangedData }
  | { id: string; type: 'platform.changed'; at: string; data: PlatformChangedData };

/** A person's events share one order key, so they are delivered one at a time in the order they happened. */
export const personOrderKey = (userId: string): string => `person:${userId}`;
export const platformOrderKey = (platform: string): string => `platform:${platform}`;

/** The queue row for an aggregate change; the body is fixed here and signed as is on every attempt. */
export function aggregateChangedEvent(change: AggregateChangedData, atMs: number, id: string = randomUUID()): OutboundEventInput {
  const data: AggregateChangedData = {
    userId: change.userId,
    status: change.status,
    previousStatus: change.previousStatus,
    available: change.available,
    decidedBy: change.decidedBy,
    policy: change.policy,
  };
  const payload: OutboundEventPayload = { id, type: 'aggregate.changed', at: new Date(atMs).toISOString(), data };
  return { eventId: id, orderKey: personOrderKey(change.userId), userId: change.userId, type: payload.type, body: JSON.stringify(payload) };
}

/** The queue row for a platform health change. */
export function platformChangedEvent(change: PlatformChangedData, atMs: number, id: string = randomUUID()): OutboundEventInput {
  const data: PlatformChangedData = { platform: change.platform, state: change.state, breaker: change.breaker, lastError: change.lastError };
  const payload: OutboundEventPayload = { id, type: 'platform.changed', at: new Date(atMs).toISOString(), data };
  return { eventId: id, orderKey: platformOrderKey(change.platform), type: payload.type, body: JSON.stringify(payload) };
}
