import type { DeviceStatuses } from '../model/presence';
import type { PresenceStatus } from '../model/status';
import { type Normalized, recognizedAnswers, UNRECOGNIZED } from './normalized';

/** Discord's four presence values (gateway PRESENCE_UPDATE `status`), plus `invisible`, which others see as offline. */
export type DiscordNativeStatus = 'online' | 'idle' | 'dnd' | 'offline' | 'invisible';

/** A value missing here is a compile error: the table must cover every native status. */
export const DISCORD_STATUS = {
  online: 'online',
  idle: 'idle',
  dnd: 'busy',
  offline: 'offline',
  invisible: 'offline',
} as const satisfies Record<DiscordNativeStatus, PresenceStatus>;

const DEVICES = ['desktop', 'mobile', 'web', 'vr'] as const;
const ANSWERS = recognizedAnswers(DISCORD_STATUS);

export function normalizeDiscord(status: unknown): Normalized {
  if (typeof status === 'string' && Object.hasOwn(DISCORD_STATUS, status)) {
    return ANSWERS[status as DiscordNativeStatus];
  }
  return UNRECOGNIZED;
}

/** `client_status` lists only the devices a member is on; absent devices are offline or invisible. */
export function normalizeDiscordDevices(clientStatus: unknown): DeviceStatuses | undefined {
  if (clientStatus === null || typeof clientStatus !== 'object') return undefined;
  const devices: DeviceStatuses = {};
  let any = false;
  for (const device of DEVICES) {
    const value = (clientStatus as Record<string, unknown>)[device];
    if (value === undefined) continue;
    devices[device] = normalizeDiscord(value).status;
    any = true;
  }
  return any ? devices : undefined;
}

/** Discord activity types; 4 (custom status) is the member's own message, not an activity. */
const ACTIVITY_VERB: Record<number, string> = {
  0: 'Playing',
  1: 'Streaming',
  2: 'Listening to',
  3: 'Watching',
  5: 'Competing in',
};

export interface DiscordActivity {
  type?: unknown;
  name?: unknown;
  state?: unknown;
  emoji?: unknown;
}

/** The first non-custom activity as text ("Playing X"); the custom status (type 4) as the message. */
export function describeDiscordActivities(activities: unknown): {
  activity?: string;
  customMessage?: string;
} {
  if (!Array.isArray(activities)) return {};
  let activity: string | undefined;
  let customMessage: string | undefined;
  for (const item of activities as DiscordActivity[]) {
    if (item === null || typeof item !== 'object') continue;
    if (item.type === 4) {
      if (customMessage !== undefined) continue;
      const emoji = (item.emoji as { name?: unknown } | null | undefined)?.name;
      const parts = [typeof emoji === 'string' ? emoji : '', typeof item.state === 'string' ? item.state : ''];
      const text = parts.filter(Boolean).join(' ');
      if (text) customMessage = text;
    } else if (activity === undefined && typeof item.name === 'string' && typeof item.type === 'number') {
      const verb = ACTIVITY_VERB[item.type];
      if (verb) activity = `${verb} ${item.name}`;
    }
  }
  return { activity, customMessage };
}
