import type { PresenceStatus } from '../model/status';
import { foldedTable, lookupFolded, type Normalized, UNRECOGNIZED } from './normalized';

/**
 * Graph availability values: the documented PascalCase set plus the newer docs' camelCase additions
 * (focusing, inACall, inAMeeting, presenting), which are busy. Matched case-insensitively.
 */
export type TeamsAvailability =
  | 'Available'
  | 'AvailableIdle'
  | 'Busy'
  | 'BusyIdle'
  | 'DoNotDisturb'
  | 'Away'
  | 'BeRightBack'
  | 'Offline'
  | 'PresenceUnknown'
  | 'Focusing'
  | 'InACall'
  | 'InAMeeting'
  | 'Presenting';

export const TEAMS_AVAILABILITY = {
  Available: 'online',
  AvailableIdle: 'idle',
  Busy: 'busy',
  BusyIdle: 'busy',
  DoNotDisturb: 'busy',
  Away: 'away',
  BeRightBack: 'away',
  Offline: 'offline',
  PresenceUnknown: 'unknown',
  Focusing: 'busy',
  InACall: 'busy',
  InAMeeting: 'busy',
  Presenting: 'busy',
} as const satisfies Record<TeamsAvailability, PresenceStatus>;

/**
 * Graph activity values. Activity refines availability: an entry with `status` overrides it (out of office
 * or off work means away whatever the availability); `text` becomes the activity shown.
 */
export type TeamsActivity =
  | 'Available'
  | 'Away'
  | 'BeRightBack'
  | 'Busy'
  | 'DoNotDisturb'
  | 'Offline'
  | 'PresenceUnknown'
  | 'Inactive'
  | 'InACall'
  | 'InAConferenceCall'
  | 'InAMeeting'
  | 'Presenting'
  | 'UrgentInterruptionsOnly'
  | 'Focusing'
  | 'OutOfOffice'
  | 'OffWork';

export const TEAMS_ACTIVITY = {
  Available: {},
  Away: {},
  BeRightBack: {},
  Busy: {},
  DoNotDisturb: {},
  Offline: {},
  PresenceUnknown: {},
  Inactive: {},
  InACall: { text: 'In a call' },
  InAConferenceCall: { text: 'In a conference call' },
  InAMeeting: { text: 'In a meeting' },
  Presenting: { text: 'Presenting' },
  UrgentInterruptionsOnly: { text: 'Urgent interruptions only' },
  Focusing: { text: 'Focusing' },
  OutOfOffice: { text: 'Out of office', status: 'away' },
  OffWork: { text: 'Off work', status: 'away' },
} as const satisfies Record<TeamsActivity, { text?: string; status?: PresenceStatus }>;

const availabilityTable = foldedTable<PresenceStatus>(TEAMS_AVAILABILITY);
const activityTable = foldedTable<{ text?: string; status?: PresenceStatus }>(TEAMS_ACTIVITY);

/** Answers for every pair spelled as Graph spells them (and no activity), decided once: a reading allocates nothing. */
const SPELLED = new Map(
  Object.keys(TEAMS_AVAILABILITY).map((availability) => [
    availability,
    new Map([undefined, ...Object.keys(TEAMS_ACTIVITY)].map((activity) => [activity, Object.freeze(decide(availability, activity))])),
  ]),
);

export function normalizeTeams(availability: unknown, activity?: unknown): Normalized {
  return SPELLED.get(availability as string)?.get(activity as string | undefined) ?? decide(availability, activity);
}

function decide(availability: unknown, activity: unknown): Normalized {
  const base = lookupFolded(availabilityTable, availability);
  const refinement = lookupFolded(activityTable, activity);
  if (base === undefined) {
    // An out-of-office activity still tells us the person is away, even beside an availability we do not know.
    return refinement?.status ? { status: refinement.status, activity: refinement.text, recognized: false } : UNRECOGNIZED;
  }
  const recognized = activity === undefined || activity === null || refinement !== undefined;
  return { status: refinement?.status ?? base, activity: refinement?.text, recognized };
}
