import { meetingNow, unknownPerson } from './meeting-now';

const NOW = Date.parse('2026-01-15T12:00:00Z');
const base = { userId: 'alice', consentDefault: true, nowMs: NOW, bestChannel: null };

describe('meetingNow', () => {
  it('an available person has no blockers', () => {
    const result = meetingNow({ ...base, status: 'online', available: true, decidedBy: 'slack', platforms: [{ platform: 'slack', status: 'online', stale: false }] });
    expect(result).toMatchObject({ available: true, known: true, blockers: [] });
  });

  it('a person in a meeting names the platform and activity that block', () => {
    const result = meetingNow({
      ...base,
      status: 'busy',
      available: false,
      decidedBy: 'teams',
      platforms: [
        { platform: 'teams', status: 'busy', stale: false, activity: 'InAMeeting' },
        { platform: 'slack', status: 'online', stale: true },
      ],
    });
    expect(result.blockers).toEqual([{ platform: 'teams', status: 'busy', reason: 'busy on teams (InAMeeting)' }]);
  });

  it('quiet hours and missing consent are person-wide blockers', () => {
    const result = meetingNow({
      ...base,
      consentDefault: false,
      preferences: { quietHours: { start: '12:00', end: '14:00', timeZone: 'Europe/Berlin' } },
      status: 'online',
      available: false,
      decidedBy: 'slack',
      platforms: [{ platform: 'slack', status: 'online', stale: false }],
    });
    expect(result.blockers.map((blocker) => blocker.reason)).toEqual(['no monitoring consent', 'quiet hours (12:00-14:00 Europe/Berlin)']);
  });

  it('nothing fresh is a blocker too', () => {
    const result = meetingNow({ ...base, status: 'unknown', available: false, decidedBy: null, platforms: [{ platform: 'zoom', status: null, stale: true }] });
    expect(result.blockers).toEqual([{ platform: null, status: 'unknown', reason: 'no fresh presence on any platform' }]);
  });

  it('an unknown person is listed as such', () => {
    expect(unknownPerson('zed')).toMatchObject({ userId: 'zed', known: false, available: false, status: 'unknown', bestChannel: null });
  });
});
