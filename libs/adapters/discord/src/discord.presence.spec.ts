import { presenceKey, toPlatformPresence } from './discord.presence';

const at = new Date('2026-01-01T00:00:00Z');

describe('toPlatformPresence', () => {
  it('normalizes status, devices, the custom status and the first other activity', () => {
    const record = toPlatformPresence(
      {
        user: { id: '1' },
        status: 'dnd',
        client_status: { desktop: 'dnd', mobile: 'idle' },
        activities: [
          { type: 4, name: 'Custom Status', state: 'in the zone', emoji: { name: '🎧' } },
          { type: 2, name: 'Spotify' },
          { type: 0, name: 'Chess' },
        ],
      },
      at,
    );
    expect(record).toEqual({
      platform: 'discord',
      accountId: '1',
      status: 'busy',
      rawStatus: 'dnd',
      observedAt: at,
      unrecognized: false,
      customMessage: '🎧 in the zone',
      activity: 'Listening to Spotify',
      devices: { desktop: 'busy', mobile: 'idle' },
    });
  });

  it('marks values no table knows and ignores presences without a user id', () => {
    expect(toPlatformPresence({ user: { id: '2' }, status: 'streaming' }, at)).toMatchObject({ status: 'unknown', unrecognized: true });
    expect(toPlatformPresence({ user: {}, status: 'online' }, at)).toBeUndefined();
    expect(toPlatformPresence({ status: 'online' }, at)).toBeUndefined();
  });

  it('keys records by what a listener sees, not by when they were observed', () => {
    const key = (client_status: object, observedAt: Date): string => {
      const record = toPlatformPresence({ user: { id: '1' }, status: 'online', client_status }, observedAt);
      if (!record) throw new Error('no record');
      return presenceKey(record);
    };
    expect(key({ web: 'online' }, at)).toBe(key({ web: 'online' }, new Date()));
    expect(key({ web: 'online' }, at)).not.toBe(key({ mobile: 'online' }, at));
  });
});
