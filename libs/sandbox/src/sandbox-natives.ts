import type { Platform } from '@amo/presence-core';

/**
 * The native values random changes pick from, per platform, as each platform spells them. WhatsApp and LinkedIn
 * have no status: their values are the signals that do exist (an inbound message, a read receipt, a comment on
 * our Page), each meaning "seen now".
 */
export const SANDBOX_NATIVES: Readonly<Record<Platform, readonly string[]>> = {
  discord: ['online', 'idle', 'dnd', 'offline'],
  slack: ['active', 'away', 'dnd'],
  teams: ['Available/Available', 'Busy/InAMeeting', 'Busy/InACall', 'DoNotDisturb/Presenting', 'Away/Away', 'BeRightBack/BeRightBack', 'Offline/OffWork'],
  zoom: ['Available', 'Away', 'Do_Not_Disturb', 'In_A_Zoom_Meeting', 'On_A_Call', 'Presenting', 'Offline'],
  whatsapp: ['message', 'read'],
  linkedin: ['COMMENT', 'SHARE'],
};

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `last seen 30m ago` (s, m, h or d) -> how long ago, for the recency platforms; undefined for any other value.
 * The seed's table writes WhatsApp's native value as "last seen X ago".
 */
export function lastSeenAgoMs(native: string): number | undefined {
  const match = /^last seen (\d+)\s*([smhd])\w* ago$/i.exec(native.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2].toLowerCase()] : undefined;
}
