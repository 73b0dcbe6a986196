import type { PresenceDocument, StreamServerMessage } from '@amo/presence-contract';

/** A server message of one type (every one carries `seq` and `at`). */
export type StreamMessageOf<T extends StreamServerMessage['type']> = Extract<StreamServerMessage, { type: T }>;
export type SnapshotMessage = StreamMessageOf<'snapshot'>;
export type PresenceMessage = StreamMessageOf<'presence'>;
export type AggregateMessage = StreamMessageOf<'aggregate'>;
export type PlatformMessage = StreamMessageOf<'platform'>;
export type SubscribedMessage = StreamMessageOf<'subscribed'>;
export type UnsubscribedMessage = StreamMessageOf<'unsubscribed'>;
export type StreamErrorMessage = StreamMessageOf<'error'>;

/**
 * Applies a snapshot, presence or aggregate message to the people the stream holds (`null`: the service does not
 * know the person). Returns whether it changed anything. A change for a person without a document (linked after
 * the snapshot said `null`) starts one, as GET /v1/presence would show them: unknown until an aggregate arrives.
 */
export function applyToPeople(people: Map<string, PresenceDocument | null>, message: StreamServerMessage): boolean {
  if (message.type === 'snapshot') {
    people.set(message.userId, message.presence);
    return true;
  }
  if (message.type !== 'presence' && message.type !== 'aggregate') return false;
  const document = people.get(message.userId) ?? emptyDocument(message.userId);
  people.set(message.userId, document);
  if (message.type === 'aggregate') {
    document.status = message.status;
    document.available = message.available;
    document.decidedBy = message.decidedBy;
    document.policy = message.policy;
    return true;
  }
  const { stale, ...presence } = message.presence;
  document.platforms[message.platform] = { ...presence, stale: stale ?? false };
  if (presence.lastUpdated && (!document.updatedAt || presence.lastUpdated > document.updatedAt)) document.updatedAt = presence.lastUpdated;
  return true;
}

function emptyDocument(userId: string): PresenceDocument {
  // A placeholder until the person's snapshot or first aggregate message says which policy decides.
  return { userId, status: 'unknown', available: false, decidedBy: null, policy: 'highest-priority', platforms: {}, updatedAt: null };
}
