import { type ConnectionState, isValidId, type Platform, type PlatformPresence, type PresenceData } from '@amo/presence-core';
import { fromWire, isPlatform, toWire, type WireRecord } from './redis-presence-cache.codec';

/**
 * The presence messages instances exchange on the {@link ChangeBus}, with the parser that checks each on arrival.
 * Type names are part of the cluster's wire format: instances of one cluster must agree on them.
 */
export const BUS_TYPES = {
  /** Readings an instance accepted (changes and confirmations): the others apply them the same way. */
  readings: 'readings',
  /** A person (or one platform of theirs) was erased or opted out: every instance drops what it holds. */
  forget: 'forget',
  /** A lease-owned push connection's state, from the instance that owns it (a Discord shard up or down). */
  connection: 'connection',
  /** An API key was revoked: every instance stops accepting it now, not at its next check against the store. */
  keyRevoked: 'key-revoked',
} as const;

/** One accepted reading: the person, the platform account it came from, the record and when it was confirmed. */
export interface BusReading {
  userId: string;
  accountId: string;
  record: PresenceData;
  confirmedAt: number;
}

export interface ReadingsBody {
  items: { u: string; a: string; c: number; r: WireRecord }[];
}

export function readingsBody(readings: readonly BusReading[]): ReadingsBody {
  return { items: readings.map((reading) => ({ u: reading.userId, a: reading.accountId, c: reading.confirmedAt, r: toWire(reading.record) })) };
}

/** The readings, or undefined when the body is not a readings message; items that do not decode are left out. */
export function parseReadings(body: unknown): BusReading[] | undefined {
  const items = (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return undefined;
  const out: BusReading[] = [];
  for (const item of items as { u?: unknown; a?: unknown; c?: unknown; r?: unknown }[]) {
    if (typeof item?.u !== 'string' || typeof item.a !== 'string' || !isValidId(item.a) || typeof item.c !== 'number') continue;
    const record = fromWire(item.u, item.r);
    if (record) out.push({ userId: item.u, accountId: item.a, record, confirmedAt: item.c });
  }
  return out.length === 0 && items.length > 0 ? undefined : out;
}

/** The reading an adapter would have reported: what the receiving instance ingests. */
export function toReading(accountId: string, record: PresenceData): PlatformPresence {
  const reading: PlatformPresence = { platform: record.platform, accountId, status: record.status, observedAt: record.lastUpdated };
  if (record.rawStatus !== undefined) reading.rawStatus = record.rawStatus;
  if (record.activity !== undefined) reading.activity = record.activity;
  if (record.customMessage !== undefined) reading.customMessage = record.customMessage;
  if (record.lastSeen !== undefined) reading.lastSeen = record.lastSeen;
  if (record.devices !== undefined) reading.devices = record.devices;
  if (record.expiresAt !== undefined) reading.expiresAt = record.expiresAt;
  if (record.sequence !== undefined) reading.sequence = record.sequence;
  if (record.sequenceScope !== undefined) reading.sequenceScope = record.sequenceScope;
  return reading;
}

export interface ForgetBody {
  userId: string;
  platform?: Platform;
}

export function parseForget(body: unknown): ForgetBody | undefined {
  const value = body as { userId?: unknown; platform?: unknown } | null;
  if (typeof value?.userId !== 'string' || !isValidId(value.userId)) return undefined;
  if (value.platform === undefined) return { userId: value.userId };
  return isPlatform(value.platform) ? { userId: value.userId, platform: value.platform } : undefined;
}

export interface ConnectionBody {
  platform: Platform;
  /** Which of the platform's leased connections (a Discord shard id, `subscriptions` for Graph). */
  unit: string;
  state: ConnectionState;
}

const STATES = new Set<string>(['connecting', 'up', 'down', 'failed']);

export function parseConnection(body: unknown): ConnectionBody | undefined {
  const value = body as { platform?: unknown; unit?: unknown; state?: unknown } | null;
  if (!isPlatform(value?.platform) || typeof value.state !== 'string' || !STATES.has(value.state)) return undefined;
  if (typeof value.unit !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(value.unit)) return undefined;
  return { platform: value.platform, unit: value.unit, state: value.state as ConnectionState };
}

export interface KeyRevokedBody {
  keyId: string;
}

export function parseKeyRevoked(body: unknown): KeyRevokedBody | undefined {
  const value = body as { keyId?: unknown } | null;
  return typeof value?.keyId === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value.keyId) ? { keyId: value.keyId } : undefined;
}
