import { normalizeZoom, type PlatformPresence } from '@amo/presence-core';

/**
 * The body of `GET /users/{userId}/presence_status` (timed statuses add end_time and remaining_time).
 * Hand-written (Zoom publishes no typed package); follows Zoom's API reference, Users > "Get a user's presence
 * status" (developers.zoom.us, API reference for `GET /users/{userId}/presence_status`) and the response type of
 * Zoom's own Node SDK (zoom/rivet-javascript `users/users.d.ts`, `getUserPresenceStatus`).
 */
export interface ZoomPresenceStatusBody {
  status: string;
  end_time?: string;
  remaining_time?: number;
}

export function isZoomPresenceStatusBody(body: unknown): body is ZoomPresenceStatusBody {
  return typeof body === 'object' && body !== null && typeof (body as { status?: unknown }).status === 'string';
}

/**
 * When a timed status (Do Not Disturb for N minutes) ends. `end_time` wins when it parses; otherwise
 * `remaining_time` is read as minutes, the unit of the duration Zoom accepts when the status is set.
 */
export function zoomExpiresAt(
  timing: { end_time?: unknown; remaining_time?: unknown },
  observedAt: Date,
): Date | undefined {
  if (typeof timing.end_time === 'string' && timing.end_time !== '') {
    const end = Date.parse(timing.end_time);
    if (!Number.isNaN(end)) return new Date(end);
  }
  if (typeof timing.remaining_time === 'number' && Number.isFinite(timing.remaining_time) && timing.remaining_time > 0) {
    return new Date(observedAt.getTime() + timing.remaining_time * 60_000);
  }
  return undefined;
}

/** One Zoom presence value as the core's record; values no table knows become unknown and are flagged. */
export function zoomPresenceRecord(
  accountId: string,
  rawStatus: string,
  observedAt: Date,
  timing: { end_time?: unknown; remaining_time?: unknown } = {},
): PlatformPresence {
  const normalized = normalizeZoom(rawStatus);
  const record: PlatformPresence = {
    platform: 'zoom',
    accountId,
    status: normalized.status,
    rawStatus,
    observedAt,
    unrecognized: !normalized.recognized,
  };
  if (normalized.activity !== undefined) record.activity = normalized.activity;
  const expiresAt = zoomExpiresAt(timing, observedAt);
  if (expiresAt !== undefined) record.expiresAt = expiresAt;
  return record;
}
