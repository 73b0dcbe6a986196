import { isInQuietHours, type PersonPreferences } from '../aggregate/preferences';
import type { Platform } from '../model/platform';
import type { PresenceStatus } from '../model/status';

/** One linked platform as ranking sees it: the record as it reads now, or none yet ("linked, no data"). */
export interface ChannelInput {
  platform: Platform;
  accountId: string;
  /** Null for a linked account with no reading yet. */
  status: PresenceStatus | null;
  stale: boolean;
  lastSeen?: Date;
  activity?: string;
}

export interface ChannelRankingInput {
  channels: readonly ChannelInput[];
  preferences?: PersonPreferences;
  nowMs: number;
  /** Busy is "do not disturb" unless the message is urgent: then a fresh busy means active, so reachable. */
  urgent?: boolean;
  /** Platforms whose status is inferred from the last real signal (WhatsApp, LinkedIn). */
  inferredPlatforms?: ReadonlySet<Platform>;
  /** The recency window of inferred platforms (a signal this old reads as half as strong). */
  recencyWindowMs?: number;
}

/** A ranked channel: higher score first, with the reasons that produced the score. */
export interface RankedChannel {
  platform: Platform;
  accountId: string;
  status: PresenceStatus;
  stale: boolean;
  lastSeen: string | null;
  score: number;
  reasons: string[];
}

export const DEFAULT_INFERRED_PLATFORMS: ReadonlySet<Platform> = new Set<Platform>(['whatsapp', 'linkedin']);

// Tiers, highest first: fresh reachable statuses; stale or unknown records; busy (not urgent); all of it
// scaled down in quiet hours. Within the fresh tier the gaps leave room for the inferred-recency penalty.
const FRESH_SCORE: Record<Exclude<PresenceStatus, 'unknown'>, number> = { online: 100, idle: 80, busy: 70, away: 50, offline: 30 };
const STALE_BASE = 10;
const BUSY_NOT_URGENT = 5;
const INFERRED_MAX_PENALTY = 20;
const QUIET_FACTOR = 0.01;

const round = (value: number): number => Math.round(value * 100) / 100;

function ageText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

function scoreOne(channel: ChannelInput, input: ChannelRankingInput): { score: number; reasons: string[] } {
  const status = channel.status ?? 'unknown';
  const reasons: string[] = [];
  if (channel.status === null) reasons.push('linked, no reading yet');
  else reasons.push(channel.activity ? `${status} (${channel.activity})` : status);

  if (status === 'busy' && !input.urgent) {
    reasons.push('busy: ranks last unless urgent');
    return { score: BUSY_NOT_URGENT, reasons };
  }
  if (channel.stale || status === 'unknown') {
    reasons.push(channel.stale && status !== 'unknown' ? 'stale: not confirmed recently, ranks below fresh records' : 'status unknown');
    return { score: STALE_BASE + (status === 'unknown' ? 0 : FRESH_SCORE[status] / 10), reasons };
  }
  let score = FRESH_SCORE[status];
  if (status === 'busy') reasons.push('urgent: busy but active here, ranks above away');
  else reasons.push('fresh');
  const inferred = input.inferredPlatforms ?? DEFAULT_INFERRED_PLATFORMS;
  if (inferred.has(channel.platform)) {
    if (channel.lastSeen) {
      const age = Math.max(0, input.nowMs - channel.lastSeen.getTime());
      const window = input.recencyWindowMs ?? 300_000;
      score -= (INFERRED_MAX_PENALTY * age) / (age + window);
      reasons.push(`inferred from the last signal ${ageText(age)} ago`);
    } else {
      reasons.push('inferred, no signal time');
    }
  }
  return { score, reasons };
}

/**
 * Ranks a person's linked platforms by how likely a message there is seen now. Opted-out platforms never
 * appear (an opted-out person has none); preferred platforms break ties; in quiet hours every channel is
 * scaled to the bottom of the scale and says so.
 */
export function rankChannels(input: ChannelRankingInput): RankedChannel[] {
  const prefs = input.preferences;
  if (prefs?.optedOut) return [];
  const quiet = prefs?.quietHours !== undefined && isInQuietHours(prefs.quietHours, input.nowMs);
  const preferred = prefs?.preferredPlatforms ?? [];
  const preference = (platform: Platform): number => {
    const index = preferred.indexOf(platform);
    return index === -1 ? preferred.length : index;
  };
  const ranked = input.channels
    .filter((channel) => !prefs?.optedOutPlatforms?.includes(channel.platform))
    .map((channel) => {
      const { score, reasons } = scoreOne(channel, input);
      const rank = preference(channel.platform);
      if (rank < preferred.length) reasons.push(`preferred platform #${rank + 1}`);
      if (quiet && prefs?.quietHours) {
        reasons.push(`quiet hours (${prefs.quietHours.start}-${prefs.quietHours.end} ${prefs.quietHours.timeZone}): every channel ranks last`);
      }
      return {
        platform: channel.platform,
        accountId: channel.accountId,
        status: channel.status ?? 'unknown',
        stale: channel.stale,
        lastSeen: channel.lastSeen ? channel.lastSeen.toISOString() : null,
        score: round(quiet ? score * QUIET_FACTOR : score),
        reasons,
        rank,
      };
    });
  ranked.sort((a, b) => b.score - a.score || a.rank - b.rank || a.platform.localeCompare(b.platform));
  return ranked.map(({ rank: _rank, ...channel }) => channel);
}
