import type { Platform, PresenceData, PresenceExplanation } from '@amo/presence-core';

/** One platform's record as the API shows it (HTTP and stream): ISO times, no person id repeated. */
export interface PlatformPresenceView {
  status: string;
  rawStatus: string | null;
  activity: string | null;
  customMessage: string | null;
  lastSeen: string | null;
  /** Null only for a linked account with no reading yet ("linked, no data"). */
  lastUpdated: string | null;
  devices?: Record<string, string>;
  expiresAt?: string;
}

const iso = (date: Date | undefined | null): string | null => (date ? date.toISOString() : null);

export function presenceView(record: PresenceData): PlatformPresenceView {
  const view: PlatformPresenceView = {
    status: record.status,
    rawStatus: record.rawStatus ?? null,
    activity: record.activity ?? null,
    customMessage: record.customMessage ?? null,
    lastSeen: iso(record.lastSeen),
    lastUpdated: record.lastUpdated.toISOString(),
  };
  if (record.devices) view.devices = { ...record.devices } as Record<string, string>;
  if (record.expiresAt) view.expiresAt = record.expiresAt.toISOString();
  return view;
}

/** A linked account with no reading yet: status unknown, never seen, not confirmed. */
export const AWAITING_VIEW: Readonly<PlatformPresenceView & { stale: boolean }> = Object.freeze({
  status: 'unknown',
  rawStatus: null,
  activity: null,
  customMessage: null,
  lastSeen: null,
  lastUpdated: null,
  stale: true,
});

export interface PersonPresenceView {
  userId: string;
  status: string;
  available: boolean;
  decidedBy: Platform | null;
  platforms: Partial<Record<Platform, PlatformPresenceView & { stale: boolean }>>;
  updatedAt: string | null;
}

/** The CONTRACT shape of GET /v1/presence/{userId}. */
export function personView(explanation: PresenceExplanation): PersonPresenceView {
  const platforms: PersonPresenceView['platforms'] = {};
  for (const [platform, record] of Object.entries(explanation.platforms) as [Platform, PresenceData & { stale: boolean }][]) {
    platforms[platform] = { ...presenceView(record), stale: record.stale };
  }
  for (const platform of explanation.awaiting) platforms[platform] = { ...AWAITING_VIEW };
  return {
    userId: explanation.userId,
    status: explanation.status,
    available: explanation.available,
    decidedBy: explanation.decidedBy,
    platforms,
    updatedAt: iso(explanation.updatedAt),
  };
}
