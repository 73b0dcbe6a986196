import type { PersonPlatformPresence, PlatformPresence, PresenceDocument } from '@amo/presence-contract';
import type { Platform, PresenceData, PresenceExplanation } from '@amo/presence-core';
import { isoTime } from './iso-time';

/** One platform's record as the API shows it (HTTP and stream): the contract's `PlatformPresence`. */
export type PlatformPresenceView = PlatformPresence;

const iso = (date: Date | undefined | null): string | null => (date ? isoTime(date.getTime()) : null);

export function presenceView(record: PresenceData): PlatformPresenceView {
  return recordView(record);
}

/** One object per record (a read builds one per platform): the view's fields, then `stale` when it is given. */
function recordView(record: PresenceData, stale?: boolean): PlatformPresenceView & { stale?: boolean } {
  const view: PlatformPresenceView & { stale?: boolean } = {
    status: record.status,
    rawStatus: record.rawStatus ?? null,
    activity: record.activity ?? null,
    customMessage: record.customMessage ?? null,
    lastSeen: iso(record.lastSeen),
    lastUpdated: isoTime(record.lastUpdated.getTime()),
  };
  if (record.devices) view.devices = { ...record.devices } as Record<string, string>;
  if (record.expiresAt) view.expiresAt = isoTime(record.expiresAt.getTime());
  if (stale !== undefined) view.stale = stale;
  return view;
}

/** A linked account with no reading yet: status unknown, never seen, not confirmed. */
export const AWAITING_VIEW: Readonly<PersonPlatformPresence> = Object.freeze({
  status: 'unknown',
  rawStatus: null,
  activity: null,
  customMessage: null,
  lastSeen: null,
  lastUpdated: null,
  stale: true,
});

/** The contract's `PresenceDocument`. */
export type PersonPresenceView = PresenceDocument;

/** The CONTRACT shape of GET /v1/presence/{userId}. */
export function personView(explanation: PresenceExplanation): PersonPresenceView {
  const platforms: PersonPresenceView['platforms'] = {};
  const readings = explanation.platforms as Partial<Record<Platform, PresenceData & { stale: boolean }>>;
  for (const platform in readings) {
    const record = readings[platform as Platform] as PresenceData & { stale: boolean };
    platforms[platform as Platform] = recordView(record, record.stale) as PersonPlatformPresence;
  }
  for (const platform of explanation.awaiting) platforms[platform] = { ...AWAITING_VIEW };
  return {
    userId: explanation.userId,
    status: explanation.status,
    available: explanation.available,
    decidedBy: explanation.decidedBy,
    policy: explanation.policy,
    platforms,
    updatedAt: iso(explanation.updatedAt),
  };
}
