import { isPresenceChange, type PlatformPresence, type PresenceData } from '../model/presence';
import { PresenceAggregator } from './presence-aggregator';

describe("ingest's change rule is isPresenceChange", () => {
  const at = (s: number): Date => new Date(Date.UTC(2026, 0, 1, 10, 0, s));
  const reading = (s: number, extra: Partial<PlatformPresence>): PlatformPresence => ({
    platform: 'discord',
    accountId: '42',
    status: 'online',
    observedAt: at(s),
    ...extra,
  });

  it('tells listeners about a device-only change, not about a re-read or a respelling', () => {
    const aggregator = new PresenceAggregator({ consentDefault: true });
    aggregator.directory.link('ada', 'discord', '42');
    const heard: PresenceData[] = [];
    aggregator.addPresenceListener((_userId, _platform, presence) => heard.push({ ...presence }));
    const readings = [
      reading(1, { rawStatus: 'online', devices: { desktop: 'online' } }),
      reading(2, { rawStatus: 'online', devices: { desktop: 'online' } }),
      reading(3, { rawStatus: 'online', devices: { mobile: 'online' } }),
      reading(4, { rawStatus: 'ONLINE', devices: { mobile: 'online' } }),
    ];
    for (const record of readings) aggregator.ingest('discord', [record]);
    expect(heard.map((p) => p.devices)).toEqual([{ desktop: 'online' }, { mobile: 'online' }]);
    // The same answers the rule gives pair by pair, which is what the Discord tracker asks before its sink.
    const answers = readings.map((r, i) => isPresenceChange(readings[i - 1], r));
    expect(answers).toEqual([true, false, true, false]);
  });
});
