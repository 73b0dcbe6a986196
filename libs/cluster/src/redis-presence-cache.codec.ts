import {
  AGGREGATION_POLICY_NAMES,
  type AggregationPolicyName,
  isValidId,
  PLATFORMS,
  type Platform,
  PRESENCE_STATUSES,
  type PresenceData,
  type PresenceStatus,
} from '@amo/presence-core';

/**
 * A {@link PresenceData} as it travels through Redis (the cache's hashes and the change bus): times as epoch ms,
 * absent fields left out, the person id outside (it is the key, or the message's field).
 */
export interface WireRecord {
  platform: Platform;
  status: PresenceStatus;
  lastUpdated: number;
  lastSeen?: number;
  rawStatus?: string;
  activity?: string;
  customMessage?: string;
  devices?: PresenceData['devices'];
  expiresAt?: number;
  sequence?: string;
  sequenceScope?: string;
}

/** A person's aggregate as the instance that computed it stored it. */
export interface WireAggregate {
  status: PresenceStatus;
  available: boolean;
  decidedBy: Platform | null;
  policy: AggregationPolicyName;
  /** Epoch ms it was computed. */
  at: number;
}

const PLATFORM_SET = new Set<string>(PLATFORMS);
const STATUS_SET = new Set<string>(PRESENCE_STATUSES);
const POLICY_SET = new Set<string>(AGGREGATION_POLICY_NAMES);
const DEVICE_KEYS = new Set(['desktop', 'mobile', 'web', 'vr']);
const TEXT_FIELDS = ['rawStatus', 'activity', 'customMessage', 'sequence', 'sequenceScope'] as const;
const MAX_TEXT = 4096;

export function toWire(record: PresenceData): WireRecord {
  const wire: WireRecord = { platform: record.platform, status: record.status, lastUpdated: record.lastUpdated.getTime() };
  if (record.lastSeen !== undefined) wire.lastSeen = record.lastSeen.getTime();
  if (record.expiresAt !== undefined) wire.expiresAt = record.expiresAt.getTime();
  if (record.devices !== undefined) wire.devices = record.devices;
  for (const field of TEXT_FIELDS) if (record[field] !== undefined) wire[field] = record[field];
  return wire;
}

export function isPlatform(value: unknown): value is Platform {
  return typeof value === 'string' && PLATFORM_SET.has(value);
}

export function isStatus(value: unknown): value is PresenceStatus {
  return typeof value === 'string' && STATUS_SET.has(value);
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * The record back, or undefined when the value is not one (a message from another version, or garbage):
 * every field is checked, since what comes out of Redis goes straight into the presence table.
 */
export function fromWire(userId: string, value: unknown): PresenceData | undefined {
  if (typeof value !== 'object' || value === null || !isValidId(userId)) return undefined;
  const wire = value as Record<string, unknown>;
  if (!isPlatform(wire.platform) || !isStatus(wire.status) || !isTime(wire.lastUpdated)) return undefined;
  const record: PresenceData = { userId, platform: wire.platform, status: wire.status, lastUpdated: new Date(wire.lastUpdated) };
  if (wire.lastSeen !== undefined) {
    if (!isTime(wire.lastSeen)) return undefined;
    record.lastSeen = new Date(wire.lastSeen);
  }
  if (wire.expiresAt !== undefined) {
    if (!isTime(wire.expiresAt)) return undefined;
    record.expiresAt = new Date(wire.expiresAt);
  }
  if (wire.devices !== undefined) {
    if (typeof wire.devices !== 'object' || wire.devices === null) return undefined;
    const devices = Object.entries(wire.devices as Record<string, unknown>);
    if (!devices.every(([key, status]) => DEVICE_KEYS.has(key) && isStatus(status))) return undefined;
    record.devices = Object.fromEntries(devices) as PresenceData['devices'];
  }
  for (const field of TEXT_FIELDS) {
    const text = wire[field];
    if (text === undefined) continue;
    if (typeof text !== 'string' || text.length > MAX_TEXT) return undefined;
    record[field] = text;
  }
  return record;
}

export function aggregateFromWire(value: unknown): WireAggregate | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const wire = value as Record<string, unknown>;
  if (!isStatus(wire.status) || typeof wire.available !== 'boolean' || !isTime(wire.at)) return undefined;
  if (wire.decidedBy !== null && !isPlatform(wire.decidedBy)) return undefined;
  if (typeof wire.policy !== 'string' || !POLICY_SET.has(wire.policy)) return undefined;
  return { status: wire.status, available: wire.available, decidedBy: wire.decidedBy, policy: wire.policy as AggregationPolicyName, at: wire.at };
}
