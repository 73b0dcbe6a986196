import { normalizeTeams, type PlatformPresence } from '@amo/presence-core';
import type { Presence, PresenceStatusMessage } from '@microsoft/microsoft-graph-types';
import { htmlToText } from './teams.html';

/** Graph `presence` as getPresencesByUserId and rich notifications return it; Graph always sends the user's id. */
export type GraphPresence = Presence & { id: string };

function isUtcZone(zone: string | null | undefined): boolean {
  return zone === undefined || zone === null || /^(utc|gmt|etc\/utc|z)$/i.test(zone.trim());
}

/** A status message whose expiry has passed is not shown (Teams hides it too); only UTC expiries are judged. */
function isExpired(message: PresenceStatusMessage, nowMs: number): boolean {
  const expiry = message.expiryDateTime;
  if (!expiry?.dateTime || !isUtcZone(expiry.timeZone)) return false;
  const raw = expiry.dateTime.trim();
  const atMs = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? raw : `${raw}Z`);
  return Number.isFinite(atMs) && atMs <= nowMs;
}

/** The status message as plain text (HTML stripped), or undefined when absent, empty or expired. */
export function teamsCustomMessage(message: PresenceStatusMessage | null | undefined, nowMs: number): string | undefined {
  if (!message || isExpired(message, nowMs)) return undefined;
  return htmlToText(message.message?.content);
}

/**
 * Maps one Graph presence onto the core vocabulary with core's `normalizeTeams` (availability decides,
 * activity refines). `sequenceNumber` is kept as `sequence`, stamped with `sequenceScope` (where it counts from),
 * so an older reading never overwrites a newer one of the same scope.
 */
export function toTeamsPresence(presence: GraphPresence, observedAt: Date, sequenceScope?: string): PlatformPresence {
  const normalized = normalizeTeams(presence.availability, presence.activity);
  const raw = [presence.availability, presence.activity].filter((part): part is string => typeof part === 'string' && part.length > 0);
  const record: PlatformPresence = {
    platform: 'teams',
    accountId: presence.id,
    status: normalized.status,
    observedAt,
  };
  if (raw.length > 0) record.rawStatus = raw.join('/');
  if (normalized.activity !== undefined) record.activity = normalized.activity;
  const customMessage = teamsCustomMessage(presence.statusMessage, observedAt.getTime());
  if (customMessage !== undefined) record.customMessage = customMessage;
  if (typeof presence.sequenceNumber === 'string' && presence.sequenceNumber.length > 0) {
    record.sequence = presence.sequenceNumber;
    if (sequenceScope !== undefined) record.sequenceScope = sequenceScope;
  }
  if (!normalized.recognized) record.unrecognized = true;
  return record;
}

/**
 * True when `incoming` is older than `held`. Graph sequence numbers order readings only within one scope (one
 * adapter run: a restarted Graph, or the emulator, starts them again); across scopes, or without them, the
 * observation time decides, as core's `isOlder` does.
 */
export function isOlderReading(incoming: PlatformPresence, held: PlatformPresence): boolean {
  const sameScope = incoming.sequenceScope !== undefined && incoming.sequenceScope === held.sequenceScope;
  if (sameScope && incoming.sequence !== undefined && held.sequence !== undefined) return incoming.sequence < held.sequence;
  return incoming.observedAt.getTime() < held.observedAt.getTime();
}
