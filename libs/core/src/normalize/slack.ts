import type { PresenceStatus } from '../model/status';
import { type Normalized, recognizedAnswers, UNRECOGNIZED } from './normalized';

/** users.getPresence returns only `active` or `away` for users other than the token's own. */
export type SlackNativePresence = 'active' | 'away';

export const SLACK_PRESENCE = {
  active: 'online',
  away: 'away',
} as const satisfies Record<SlackNativePresence, PresenceStatus>;

/** A Do Not Disturb window from dnd.teamInfo; timestamps are Unix seconds. */
export interface SlackDndWindow {
  dnd_enabled?: boolean;
  next_dnd_start_ts?: number;
  next_dnd_end_ts?: number;
}

/** True when DND is in force at `nowMs`: enabled and inside [start, end). A window that starts later is not yet busy. */
export function isSlackDndActive(dnd: SlackDndWindow | undefined, nowMs: number): boolean {
  if (!dnd?.dnd_enabled) return false;
  const start = (dnd.next_dnd_start_ts ?? 0) * 1000;
  const end = (dnd.next_dnd_end_ts ?? 0) * 1000;
  return start <= nowMs && nowMs < end;
}

/** DND in force makes the person busy, whatever their presence (the seed's table). */
const ANSWERS = recognizedAnswers(SLACK_PRESENCE);
const DND: Normalized = Object.freeze({ status: 'busy', activity: 'Do not disturb', recognized: true });

export function normalizeSlack(presence: unknown, dndActive = false): Normalized {
  if (typeof presence !== 'string' || !Object.hasOwn(SLACK_PRESENCE, presence)) return UNRECOGNIZED;
  return dndActive ? DND : ANSWERS[presence as SlackNativePresence];
}
