import type { PresenceStatus } from '../model/status';
import { foldedTable, lookupFolded, type Normalized, UNRECOGNIZED } from './normalized';

/**
 * Zoom presence_status values, with both spelling families Zoom uses (REST vs Team Chat) and the spec's
 * `Do_No_Disturb` typo. Matched case-insensitively, ignoring underscores.
 */
export type ZoomNativeStatus =
  | 'Available'
  | 'Away'
  | 'Out_of_Office'
  | 'Do_Not_Disturb'
  | 'Do_No_Disturb'
  | 'Busy'
  | 'Presenting'
  | 'In_A_Zoom_Meeting'
  | 'In_A_Meeting'
  | 'On_A_Call'
  | 'In_A_Call'
  | 'On_Phone_Call'
  | 'In_Calendar_Event'
  | 'In_A_Calendar_Event'
  | 'Offline';

export const ZOOM_STATUS = {
  Available: { status: 'online' },
  Away: { status: 'away' },
  Out_of_Office: { status: 'away', text: 'Out of office' },
  Do_Not_Disturb: { status: 'busy', text: 'Do not disturb' },
  Do_No_Disturb: { status: 'busy', text: 'Do not disturb' },
  Busy: { status: 'busy', text: 'Busy' },
  Presenting: { status: 'busy', text: 'Presenting' },
  In_A_Zoom_Meeting: { status: 'busy', text: 'In a Zoom meeting' },
  In_A_Meeting: { status: 'busy', text: 'In a Zoom meeting' },
  On_A_Call: { status: 'busy', text: 'On a call' },
  In_A_Call: { status: 'busy', text: 'On a call' },
  On_Phone_Call: { status: 'busy', text: 'On a call' },
  In_Calendar_Event: { status: 'busy', text: 'In a calendar event' },
  In_A_Calendar_Event: { status: 'busy', text: 'In a calendar event' },
  Offline: { status: 'offline' },
} as const satisfies Record<ZoomNativeStatus, { status: PresenceStatus; text?: string }>;

const table = foldedTable<Normalized>(
  Object.fromEntries(
    Object.entries<{ status: PresenceStatus; text?: string }>(ZOOM_STATUS).map(([key, entry]) => [key, Object.freeze({ status: entry.status, activity: entry.text, recognized: true })]),
  ),
);

export function normalizeZoom(status: unknown): Normalized {
  return lookupFolded(table, status) ?? UNRECOGNIZED;
}
