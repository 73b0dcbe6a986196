import type { PresenceStatus } from '../model/status';

/** The seed's default recency window for platforms without presence (WhatsApp, LinkedIn): 5 minutes. */
export const DEFAULT_RECENCY_WINDOW_MS = 5 * 60_000;

/**
 * WhatsApp and LinkedIn: last seen within the window -> online, older -> away, never seen -> unknown.
 * Never offline: silence on these platforms says nothing about being offline.
 */
export function recencyStatus(
  lastSeen: Date | undefined,
  nowMs: number,
  windowMs = DEFAULT_RECENCY_WINDOW_MS,
): PresenceStatus {
  if (lastSeen === undefined) return 'unknown';
  return nowMs - lastSeen.getTime() <= windowMs ? 'online' : 'away';
}
