import { ZOOM_STATUS } from '@amo/presence-core';
import { zoomExpiresAt, zoomPresenceRecord } from './zoom.presence';

const at = new Date('2026-03-02T10:00:00Z');

describe('zoomPresenceRecord', () => {
  it.each(Object.keys(ZOOM_STATUS))('normalizes %s through the core table', (native) => {
    const record = zoomPresenceRecord('u1', native, at);
    expect(record.unrecognized).toBe(false);
    expect(record.status).not.toBe('unknown');
    expect(record.rawStatus).toBe(native);
  });

  it('matches case-insensitively and keeps the activity text', () => {
    expect(zoomPresenceRecord('u1', 'in_a_zoom_meeting', at)).toMatchObject({
      platform: 'zoom',
      accountId: 'u1',
      status: 'busy',
      activity: 'In a Zoom meeting',
      observedAt: at,
    });
  });

  it('marks values no table knows as unknown and unrecognized', () => {
    expect(zoomPresenceRecord('u1', 'Focusing_Deeply', at)).toMatchObject({ status: 'unknown', unrecognized: true });
  });
});

describe('zoomExpiresAt', () => {
  it('takes end_time when it parses', () => {
    expect(zoomExpiresAt({ end_time: '2026-03-02T10:30:00Z', remaining_time: 5 }, at)).toEqual(
      new Date('2026-03-02T10:30:00Z'),
    );
  });

  it('falls back to remaining_time in minutes', () => {
    expect(zoomExpiresAt({ end_time: 'soon', remaining_time: 20 }, at)).toEqual(new Date('2026-03-02T10:20:00Z'));
  });

  it('has no expiry without timing or with nonsense', () => {
    expect(zoomExpiresAt({}, at)).toBeUndefined();
    expect(zoomExpiresAt({ remaining_time: 0 }, at)).toBeUndefined();
    expect(zoomExpiresAt({ remaining_time: '20' }, at)).toBeUndefined();
  });

  it('sets expiresAt on a timed Do Not Disturb record', () => {
    const record = zoomPresenceRecord('u1', 'Do_Not_Disturb', at, { end_time: '2026-03-02T11:00:00Z', remaining_time: 60 });
    expect(record).toMatchObject({ status: 'busy', activity: 'Do not disturb', expiresAt: new Date('2026-03-02T11:00:00Z') });
  });
});
