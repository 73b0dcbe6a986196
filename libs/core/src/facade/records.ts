import type { PlatformPresence, PresenceData } from '../model/presence';

const OPTIONAL_FIELDS = ['lastSeen', 'activity', 'customMessage', 'devices', 'expiresAt', 'sequence', 'sequenceScope'] as const;

/**
 * A person's record from an adapter's report, with only the fields the platform filled: at 600,000
 * records, absent fields would cost tens of megabytes.
 */
export function toPresenceData(userId: string, record: PlatformPresence): PresenceData {
  const data: PresenceData = {
    userId,
    platform: record.platform,
    status: record.status,
    lastUpdated: record.observedAt,
    rawStatus: record.rawStatus,
  };
  for (const field of OPTIONAL_FIELDS) {
    if (record[field] !== undefined) (data as unknown as Record<string, unknown>)[field] = record[field];
  }
  return data;
}

/** A real change is one a listener cares about: status, activity or message, not a re-read. */
export function isChange(before: PresenceData | undefined, after: PresenceData): boolean {
  return (
    before === undefined ||
    before.status !== after.status ||
    before.activity !== after.activity ||
    before.customMessage !== after.customMessage
  );
}

/**
 * An older reading never overwrites a newer one (out-of-order webhooks, Graph sequence numbers). Sequence
 * numbers order readings only within one scope (a subscription, a connection, a run): platforms reset them,
 * so across scopes, and against a record restored from disk (which carries no scope), times decide.
 */
export function isOlder(incoming: PlatformPresence, held: PresenceData): boolean {
  if (
    incoming.sequence !== undefined &&
    held.sequence !== undefined &&
    incoming.sequenceScope !== undefined &&
    incoming.sequenceScope === held.sequenceScope
  ) {
    return incoming.sequence < held.sequence;
  }
  return incoming.observedAt.getTime() < held.lastUpdated.getTime();
}
