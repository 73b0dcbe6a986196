import { normalizeTeams, type PlatformPresence } from '@amo/presence-core';
import { htmlToText } from './teams.html';

/** Graph `dateTimeTimeZone`. */
export interface GraphDateTimeTimeZone {
  dateTime?: string;
  timeZone?: string;
}

/** Graph `presenceStatusMessage`; expiry and publish times are only returned for the caller's own presence. */
export interface GraphStatusMessage {
  message?: { content?: string; contentType?: string } | null;
  expiryDateTime?: GraphDateTimeTimeZone | null;
  publishedDateTime?: string | null;
}

/** Graph `presence` resource as getPresencesByUserId and rich notifications return it. */
export interface GraphPresence {
  id: string;
  availability?: string;
  activity?: string;
  statusMessage?: GraphStatusMessage | null;
  outOfOfficeSettings?: { message?: string | null; isOutOfOffice?: boolean } | null;
  /** Lexicographically sortable version stamp. */
  sequenceNumber?: string | null;
}

function isUtcZone(zone: string | undefined): boolean {
  return zone === undefined || /^(utc|gmt|etc\/utc|z)$/i.test(zone.trim());
}

/** A status message whose expiry has passed is not shown (Teams hides it too); only UTC expiries are judged. */
function isExpired(message: GraphStatusMessage, nowMs: number): boolean {
  const expiry = message.expiryDateTime;
  if (!expiry?.dateTime || !isUtcZone(expiry.timeZone ?? undefined)) return false;
  const raw = expiry.dateTime.trim();
  const atMs = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? raw : `${raw}Z`);
  return Number.isFinite(atMs) && atMs <= nowMs;
}

/** The status message as plain text (HTML stripped), or undefined when absent, empty or expired. */
export function teamsCustomMessage(message: GraphStatusMessage | null | undefined, nowMs: number): string | undefined {
  if (!message || isExpired(message, nowMs)) return undefined;
  return htmlToText(message.message?.content);
}

/**
 * Maps one Graph presence onto the core vocabulary with core's `normalizeTeams` (availability decides,
 * activity refines). `sequenceNumber` is kept as `sequence` so an older reading never overwrites a newer one.
 */
export function toTeamsPresence(presence: GraphPresence, observedAt: Date): PlatformPresence {
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
  if (typeof presence.sequenceNumber === 'string' && presence.sequenceNumber.length > 0) record.sequence = presence.sequenceNumber;
  if (!normalized.recognized) record.unrecognized = true;
  return record;
}

/** True when `incoming` is older than `held` by Graph sequence number (or, lacking one, by observation time). */
export function isOlderReading(incoming: PlatformPresence, held: PlatformPresence): boolean {
  if (incoming.sequence !== undefined && held.sequence !== undefined) return incoming.sequence < held.sequence;
  return incoming.observedAt.getTime() < held.observedAt.getTime();
}
