import { isInQuietHours, type PersonPreferences } from '../aggregate/preferences';
import type { Platform } from '../model/platform';
import { isAvailableStatus, type PresenceStatus } from '../model/status';
import type { RankedChannel } from './channel-ranking';

/** Why a person cannot meet now; `platform` is null for reasons that are not one platform's. */
export interface MeetingBlocker {
  platform: Platform | null;
  status: PresenceStatus;
  reason: string;
}

export interface MeetingNowPerson {
  userId: string;
  /** False for a person the service has no identity links for (listed, never dropped). */
  known: boolean;
  available: boolean;
  status: PresenceStatus;
  decidedBy: Platform | null;
  blockers: MeetingBlocker[];
  bestChannel: RankedChannel | null;
}

/** What the decision needs about one known person: their aggregate and each linked platform as it reads now. */
export interface MeetingNowInput {
  userId: string;
  status: PresenceStatus;
  available: boolean;
  decidedBy: Platform | null;
  platforms: readonly { platform: Platform; status: PresenceStatus | null; stale: boolean; activity?: string }[];
  preferences?: PersonPreferences;
  consentDefault: boolean;
  nowMs: number;
  bestChannel: RankedChannel | null;
}

const NOT_FREE: ReadonlySet<PresenceStatus> = new Set<PresenceStatus>(['busy', 'away', 'offline']);

/** The blockers of one known person: every fresh platform saying busy/away/offline, and person-wide reasons. */
export function meetingNow(input: MeetingNowInput): MeetingNowPerson {
  const blockers: MeetingBlocker[] = [];
  const prefs = input.preferences;
  if (prefs?.optedOut) blockers.push({ platform: null, status: 'unknown', reason: 'opted out of monitoring' });
  else if (!(prefs?.consent ?? input.consentDefault)) blockers.push({ platform: null, status: 'unknown', reason: 'no monitoring consent' });
  if (prefs?.quietHours && isInQuietHours(prefs.quietHours, input.nowMs)) {
    const { start, end, timeZone } = prefs.quietHours;
    blockers.push({ platform: null, status: input.status, reason: `quiet hours (${start}-${end} ${timeZone})` });
  }
  for (const entry of input.platforms) {
    if (entry.stale || entry.status === null || !NOT_FREE.has(entry.status)) continue;
    const what = entry.activity ? `${entry.status} on ${entry.platform} (${entry.activity})` : `${entry.status} on ${entry.platform}`;
    blockers.push({ platform: entry.platform, status: entry.status, reason: what });
  }
  if (!input.available && blockers.length === 0) {
    const reason = input.status === 'unknown' ? 'no fresh presence on any platform' : `aggregate status is ${input.status}`;
    blockers.push({ platform: input.decidedBy, status: input.status, reason });
  }
  return {
    userId: input.userId,
    known: true,
    available: input.available && isAvailableStatus(input.status),
    status: input.status,
    decidedBy: input.decidedBy,
    blockers: input.available ? [] : blockers,
    bestChannel: input.bestChannel,
  };
}

/** A person without identity links: listed as unknown, not available. */
export function unknownPerson(userId: string): MeetingNowPerson {
  return {
    userId,
    known: false,
    available: false,
    status: 'unknown',
    decidedBy: null,
    blockers: [{ platform: null, status: 'unknown', reason: 'unknown person: no identity links' }],
    bestChannel: null,
  };
}
