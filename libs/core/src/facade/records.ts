import type { PlatformPresence, PresenceData } from '../model/presence';

/**
 * A person's record from an adapter's report, with only the fields the platform filled: what a presence
 * listener (or a written-through cache port) is handed. Field by field, not a loop over names: this runs once
 * per change.
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
