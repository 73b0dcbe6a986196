import type { PlatformPresence, PresenceData } from '../model/presence';

/**
 * A person's record from an adapter's report, with only the fields the platform filled: at 600,000
 * records, absent fields would cost tens of megabytes. Field by field, not a loop over names: this runs
 * once per accepted reading.
 */
export function toPresenceData(userId: string, record: PlatformPresence): PresenceData {
  const data: PresenceData = {
    userId,
    platform: record.platform,
    status: record.status,
    lastUpdated: record.observedAt,
    rawStatus: record.rawStatus,
  };
  if (record.lastSeen !== undefined) data.lastSeen = record.lastSeen;
  if (record.activity !== undefined) data.activity = record.activity;
  if (record.customMessage !== undefined) data.customMessage = record.customMessage;
  if (record.devices !== undefined) data.devices = record.devices;
  if (record.expiresAt !== undefined) data.expiresAt = record.expiresAt;
  if (record.sequence !== undefined) data.sequence = record.sequence;
  if (record.sequenceScope !== undefined) data.sequenceScope = record.sequenceScope;
  return data;
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
