import { PRESENCE_STATUSES } from '../model/status';
import { DISCORD_STATUS, describeDiscordActivities, normalizeDiscord, normalizeDiscordDevices } from './discord';
import { recencyStatus } from './recency';
import { isSlackDndActive, normalizeSlack, SLACK_PRESENCE } from './slack';
import { normalizeTeams, TEAMS_ACTIVITY, TEAMS_AVAILABILITY } from './teams';
import { normalizeZoom, ZOOM_STATUS } from './zoom';

const camel = (value: string): string => value[0].toLowerCase() + value.slice(1);

// Expected values written out from section 7 of the platform notes, independently of the tables under test;
// each list must also name every row of its table, so a new row cannot go untested.
const DISCORD_EXPECTED = { online: 'online', idle: 'idle', dnd: 'busy', offline: 'offline', invisible: 'offline' };
const SLACK_EXPECTED = { active: 'online', away: 'away' };
const TEAMS_AVAILABILITY_EXPECTED = {
  Available: 'online', AvailableIdle: 'idle', Busy: 'busy', BusyIdle: 'busy', DoNotDisturb: 'busy', Away: 'away',
  BeRightBack: 'away', Offline: 'offline', PresenceUnknown: 'unknown', Focusing: 'busy', InACall: 'busy',
  InAMeeting: 'busy', Presenting: 'busy',
};
/** Activity -> [status it forces, or null to keep the availability's; activity text or null]. */
const TEAMS_ACTIVITY_EXPECTED: Record<string, [string | null, string | null]> = {
  Available: [null, null], Away: [null, null], BeRightBack: [null, null], Busy: [null, null], DoNotDisturb: [null, null],
  Offline: [null, null], PresenceUnknown: [null, null], Inactive: [null, null], InACall: [null, 'In a call'],
  InAConferenceCall: [null, 'In a conference call'], InAMeeting: [null, 'In a meeting'], Presenting: [null, 'Presenting'],
  UrgentInterruptionsOnly: [null, 'Urgent interruptions only'], Focusing: [null, 'Focusing'],
  OutOfOffice: ['away', 'Out of office'], OffWork: ['away', 'Off work'],
};
const ZOOM_EXPECTED: Record<string, [string, string | null]> = {
  Available: ['online', null], Away: ['away', null], Out_of_Office: ['away', 'Out of office'],
  Do_Not_Disturb: ['busy', 'Do not disturb'], Do_No_Disturb: ['busy', 'Do not disturb'], Busy: ['busy', 'Busy'],
  Presenting: ['busy', 'Presenting'], In_A_Zoom_Meeting: ['busy', 'In a Zoom meeting'], In_A_Meeting: ['busy', 'In a Zoom meeting'],
  On_A_Call: ['busy', 'On a call'], In_A_Call: ['busy', 'On a call'], On_Phone_Call: ['busy', 'On a call'],
  In_Calendar_Event: ['busy', 'In a calendar event'], In_A_Calendar_Event: ['busy', 'In a calendar event'], Offline: ['offline', null],
};

describe('the expected lists cover every table row', () => {
  it.each([
    ['discord', DISCORD_STATUS, DISCORD_EXPECTED],
    ['slack', SLACK_PRESENCE, SLACK_EXPECTED],
    ['teams availability', TEAMS_AVAILABILITY, TEAMS_AVAILABILITY_EXPECTED],
    ['teams activity', TEAMS_ACTIVITY, TEAMS_ACTIVITY_EXPECTED],
    ['zoom', ZOOM_STATUS, ZOOM_EXPECTED],
  ])('%s', (_name, table, expected) => {
    expect(Object.keys(table).sort()).toEqual(Object.keys(expected).sort());
  });
});

describe('Discord table', () => {
  it.each(Object.entries(DISCORD_EXPECTED))('%s -> %s', (native, expected) => {
    expect(normalizeDiscord(native)).toEqual({ status: expected, recognized: true });
  });

  it('maps dnd to busy and invisible to offline', () => {
    expect(normalizeDiscord('dnd').status).toBe('busy');
    expect(normalizeDiscord('invisible').status).toBe('offline');
  });

  it.each([['ONLINE'], ['streaming'], [''], [null], [42], [{}]])('%p is unrecognized and unknown', (value) => {
    expect(normalizeDiscord(value)).toEqual({ status: 'unknown', recognized: false });
  });

  it('keeps per-device statuses and drops absent devices', () => {
    expect(normalizeDiscordDevices({ desktop: 'dnd', mobile: 'idle' })).toEqual({ desktop: 'busy', mobile: 'idle' });
    expect(normalizeDiscordDevices({})).toBeUndefined();
    expect(normalizeDiscordDevices('desktop')).toBeUndefined();
    expect(normalizeDiscordDevices({ web: 'weird' })).toEqual({ web: 'unknown' });
  });

  it('turns the custom status into the message and the first other activity into text', () => {
    expect(
      describeDiscordActivities([
        { type: 4, name: 'Custom Status', state: 'lunch', emoji: { name: '🍜' } },
        { type: 2, name: 'Spotify' },
        { type: 0, name: 'Chess' },
      ]),
    ).toEqual({ activity: 'Listening to Spotify', customMessage: '🍜 lunch' });
    expect(describeDiscordActivities([{ type: 0, name: 'Chess' }])).toEqual({ activity: 'Playing Chess', customMessage: undefined });
    expect(describeDiscordActivities([{ type: 4, state: '' }, null, 'x', { type: 99, name: 'Odd' }])).toEqual({});
    expect(describeDiscordActivities(undefined)).toEqual({});
  });
});

describe('Slack table', () => {
  it.each(Object.entries(SLACK_EXPECTED))('%s -> %s', (native, expected) => {
    expect(normalizeSlack(native)).toEqual({ status: expected, recognized: true });
  });

  it('is busy whatever the presence while DND is in force', () => {
    expect(normalizeSlack('active', true).status).toBe('busy');
    expect(normalizeSlack('away', true).status).toBe('busy');
    expect(normalizeSlack('dnd').recognized).toBe(false);
  });

  it('respects a DND window by time: not yet, during, after', () => {
    const window = { dnd_enabled: true, next_dnd_start_ts: 1000, next_dnd_end_ts: 2000 };
    expect(isSlackDndActive(window, 999_000)).toBe(false);
    expect(isSlackDndActive(window, 1_000_000)).toBe(true);
    expect(isSlackDndActive(window, 2_000_000)).toBe(false);
    expect(isSlackDndActive({ ...window, dnd_enabled: false }, 1_500_000)).toBe(false);
    expect(isSlackDndActive(undefined, 1_500_000)).toBe(false);
  });
});

describe('Teams table', () => {
  it.each(Object.entries(TEAMS_AVAILABILITY_EXPECTED))('availability %s -> %s (PascalCase and camelCase)', (native, expected) => {
    expect(normalizeTeams(native).status).toBe(expected);
    expect(normalizeTeams(camel(native)).status).toBe(expected);
    expect(normalizeTeams(native).recognized).toBe(true);
  });

  it.each(Object.entries(TEAMS_ACTIVITY_EXPECTED))('activity %s refines availability', (native, [forced, text]) => {
    const result = normalizeTeams('Busy', native);
    expect(result.recognized).toBe(true);
    expect(result.activity).toBe(text ?? undefined);
    expect(result.status).toBe(forced ?? 'busy');
    expect(normalizeTeams('Busy', camel(native)).status).toBe(result.status);
  });

  it('makes out of office and off work away whatever the availability', () => {
    expect(normalizeTeams('Available', 'OutOfOffice')).toEqual({ status: 'away', activity: 'Out of office', recognized: true });
    expect(normalizeTeams('DoNotDisturb', 'offWork')).toEqual({ status: 'away', activity: 'Off work', recognized: true });
    expect(normalizeTeams('Sleeping', 'OutOfOffice')).toEqual({ status: 'away', activity: 'Out of office', recognized: false });
  });

  it('marks unknown values unrecognized without throwing', () => {
    expect(normalizeTeams('Sleeping')).toEqual({ status: 'unknown', recognized: false });
    expect(normalizeTeams(undefined)).toEqual({ status: 'unknown', recognized: false });
    expect(normalizeTeams('Busy', 'Juggling')).toEqual({ status: 'busy', activity: undefined, recognized: false });
  });
});

describe('Zoom table', () => {
  it.each(Object.entries(ZOOM_EXPECTED))('%s -> %s', (native, [status, text]) => {
    for (const spelling of [native, native.toUpperCase(), native.toLowerCase()]) {
      expect(normalizeZoom(spelling)).toEqual({ status, activity: text ?? undefined, recognized: true });
    }
  });

  it('knows every spelling family and the spec typo', () => {
    expect(normalizeZoom('In_A_Meeting').activity).toBe('In a Zoom meeting');
    expect(normalizeZoom('On_Phone_Call').status).toBe('busy');
    expect(normalizeZoom('Do_No_Disturb').status).toBe('busy');
    expect(normalizeZoom('out of office').status).toBe('away');
  });

  it.each([['Sleeping'], [''], [undefined], [7]])('%p is unrecognized', (value) => {
    expect(normalizeZoom(value)).toEqual({ status: 'unknown', recognized: false });
  });
});

describe('recency (WhatsApp, LinkedIn)', () => {
  it('is online within the window, away after, unknown with no signal, never offline', () => {
    const seen = new Date(1_000_000);
    expect(recencyStatus(seen, 1_000_000 + 300_000)).toBe('online');
    expect(recencyStatus(seen, 1_000_000 + 300_001)).toBe('away');
    expect(recencyStatus(undefined, 5)).toBe('unknown');
    expect(recencyStatus(seen, 1_000_000 + 60_000, 30_000)).toBe('away');
  });
});

describe('every table maps into the vocabulary', () => {
  it('never produces a status outside PRESENCE_STATUSES', () => {
    const all = [
      ...Object.values(DISCORD_STATUS),
      ...Object.values(SLACK_PRESENCE),
      ...Object.values(TEAMS_AVAILABILITY),
      ...Object.values(ZOOM_STATUS).map((entry) => entry.status),
    ];
    for (const status of all) expect(PRESENCE_STATUSES).toContain(status);
  });
});

describe('answers for known values', () => {
  // One normalization runs per reading: a value the tables know is answered with a shared answer, not a new object.
  it('are shared and frozen, so a caller cannot change the next reading', () => {
    const answers = [normalizeDiscord('dnd'), normalizeSlack('away'), normalizeSlack('active', true), normalizeTeams('Busy', 'InACall'), normalizeTeams('Away'), normalizeZoom('Do_Not_Disturb')];
    const again = [normalizeDiscord('dnd'), normalizeSlack('away'), normalizeSlack('away', true), normalizeTeams('Busy', 'InACall'), normalizeTeams('Away'), normalizeZoom('Do_Not_Disturb')];
    for (let i = 0; i < answers.length; i++) {
      expect(again[i]).toBe(answers[i]);
      expect(Object.isFrozen(answers[i])).toBe(true);
    }
  });

  it('are the same whether a value comes spelled as the table spells it or folded', () => {
    expect(normalizeTeams('busy', 'inACall')).toEqual(normalizeTeams('Busy', 'InACall'));
    expect(normalizeZoom('do-not-disturb')).toEqual(normalizeZoom('Do_Not_Disturb'));
    expect(normalizeTeams('Busy', null)).toEqual({ status: 'busy', activity: undefined, recognized: true });
  });
});
