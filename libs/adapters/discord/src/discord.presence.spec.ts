import { toPlatformPresence } from './discord.presence';

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
});
