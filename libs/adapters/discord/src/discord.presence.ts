import {
  describeDiscordActivities,
  normalizeDiscord,
  normalizeDiscordDevices,
  type PlatformPresence,
} from '@amo/presence-core';
import type { GatewayPresenceUpdateDispatchData } from 'discord-api-types/v10';

/**
 * A presence as the gateway sends it (PRESENCE_UPDATE, GUILD_CREATE.presences, chunk presences): the fields of
 * discord-api-types' `GatewayPresenceUpdateDispatchData`, each checked before use (`user` may be partial).
 */
export type RawDiscordPresence = {
  [K in Exclude<keyof GatewayPresenceUpdateDispatchData, 'user'>]?: unknown;
} & { user?: { id?: unknown } | null };

/** The user id of a raw presence; `user` may be partial, only `id` is guaranteed. */
export function presenceUserId(raw: RawDiscordPresence | null | undefined): string | undefined {
  const id = raw?.user?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * Normalizes one gateway presence through core's Discord table: the status, per-device `client_status`,
 * the custom status (type 4) as customMessage and the first other activity as the activity text.
 */
export function toPlatformPresence(raw: RawDiscordPresence, observedAt: Date): PlatformPresence | undefined {
  const accountId = presenceUserId(raw);
  if (accountId === undefined) return undefined;
  const normalized = normalizeDiscord(raw.status);
  const record: PlatformPresence = {
    platform: 'discord',
    accountId,
    status: normalized.status,
    observedAt,
    unrecognized: !normalized.recognized,
  };
  if (typeof raw.status === 'string') record.rawStatus = raw.status;
  const { activity, customMessage } = describeDiscordActivities(raw.activities);
  if (activity !== undefined) record.activity = activity;
  if (customMessage !== undefined) record.customMessage = customMessage;
  const devices = normalizeDiscordDevices(raw.client_status);
  if (devices !== undefined) record.devices = devices;
  return record;
}

/** A member the gateway confirmed but listed without a presence: offline (or invisible). */
export function offlinePresence(accountId: string, observedAt: Date): PlatformPresence {
  return { platform: 'discord', accountId, status: 'offline', observedAt, unrecognized: false };
}
