import type { PersonPreferences } from '../aggregate/preferences';
import type { Platform } from '../model/platform';
import type { PresenceStatus } from '../model/status';
import { type ChannelInput, rankChannels } from './channel-ranking';

const NOW = Date.parse('2026-01-15T12:00:00Z'); // 13:00 in Berlin
const ch = (platform: Platform, status: PresenceStatus | null, extra: Partial<ChannelInput> = {}): ChannelInput => ({
  platform,
  accountId: `${platform}-id`,
  status,
  stale: false,
  ...extra,
});

interface Case {
  name: string;
  channels: ChannelInput[];
  preferences?: PersonPreferences;
  urgent?: boolean;
  order: Platform[];
  reason?: [Platform, RegExp];
}

const cases: Case[] = [
  { name: 'fresh online beats idle beats away', channels: [ch('zoom', 'away'), ch('slack', 'idle'), ch('teams', 'online')], order: ['teams', 'slack', 'zoom'] },
  { name: 'busy ranks last when not urgent, even below offline', channels: [ch('teams', 'busy'), ch('slack', 'away'), ch('zoom', 'offline')], order: ['slack', 'zoom', 'teams'], reason: ['teams', /unless urgent/] },
  { name: 'urgent: a fresh busy (active in a meeting) ranks above away', channels: [ch('teams', 'busy', { activity: 'InAMeeting' }), ch('slack', 'away'), ch('discord', 'online')], urgent: true, order: ['discord', 'teams', 'slack'], reason: ['teams', /urgent/] },
  { name: 'urgent does not lift a stale busy', channels: [ch('teams', 'busy', { stale: true }), ch('slack', 'away')], urgent: true, order: ['slack', 'teams'] },
  { name: 'a stale online ranks below a fresh away', channels: [ch('slack', 'online', { stale: true }), ch('zoom', 'away')], order: ['zoom', 'slack'], reason: ['slack', /stale/] },
  { name: 'unknown and linked-no-data rank below fresh offline', channels: [ch('discord', null, { stale: true }), ch('zoom', 'unknown'), ch('slack', 'offline')], order: ['slack', 'discord', 'zoom'], reason: ['discord', /no reading yet/] },
  {
    name: 'inferred recency counts by its age: a WhatsApp signal 4 minutes old ranks below a pushed online',
    channels: [ch('whatsapp', 'online', { lastSeen: new Date(NOW - 240_000) }), ch('discord', 'online')],
    order: ['discord', 'whatsapp'],
    reason: ['whatsapp', /4 min ago/],
  },
  {
    name: 'a fresh inferred signal ranks above an older one',
    channels: [ch('linkedin', 'online', { lastSeen: new Date(NOW - 200_000) }), ch('whatsapp', 'online', { lastSeen: new Date(NOW - 10_000) })],
    order: ['whatsapp', 'linkedin'],
  },
  { name: 'preferred platforms break ties', channels: [ch('slack', 'online'), ch('teams', 'online'), ch('zoom', 'online')], preferences: { preferredPlatforms: ['zoom', 'teams'] }, order: ['zoom', 'teams', 'slack'], reason: ['zoom', /preferred platform #1/] },
  { name: 'preferences do not beat a better status', channels: [ch('slack', 'online'), ch('zoom', 'away')], preferences: { preferredPlatforms: ['zoom'] }, order: ['slack', 'zoom'] },
  { name: 'opted-out platforms never appear', channels: [ch('slack', 'online'), ch('zoom', 'online')], preferences: { optedOutPlatforms: ['slack'] }, order: ['zoom'] },
  { name: 'an opted-out person has no channel', channels: [ch('slack', 'online')], preferences: { optedOut: true }, order: [] },
  {
    name: 'quiet hours put every channel last and say so, keeping the order',
    channels: [ch('slack', 'away'), ch('teams', 'online')],
    preferences: { quietHours: { start: '12:00', end: '14:00', timeZone: 'Europe/Berlin' } },
    order: ['teams', 'slack'],
    reason: ['teams', /quiet hours \(12:00-14:00 Europe\/Berlin\)/],
  },
];

describe('rankChannels', () => {
  it.each(cases)('$name', ({ channels, preferences, urgent, order, reason }) => {
    const ranked = rankChannels({ channels, preferences, urgent, nowMs: NOW });
    expect(ranked.map((channel) => channel.platform)).toEqual(order);
    for (const channel of ranked) expect(channel.reasons.length).toBeGreaterThan(0);
    if (reason) expect(ranked.find((channel) => channel.platform === reason[0])?.reasons.join('; ')).toMatch(reason[1]);
  });

  it('scores every channel in quiet hours below any channel outside them', () => {
    const quiet = rankChannels({ channels: [ch('teams', 'online')], preferences: { quietHours: { start: '12:00', end: '14:00', timeZone: 'Europe/Berlin' } }, nowMs: NOW });
    const worstOutside = rankChannels({ channels: [ch('teams', 'busy')], nowMs: NOW });
    expect(quiet[0].score).toBeLessThan(worstOutside[0].score);
  });

  it('reports the account, status, staleness and last seen of each entry', () => {
    const [entry] = rankChannels({ channels: [ch('whatsapp', 'online', { lastSeen: new Date(NOW - 60_000) })], nowMs: NOW });
    expect(entry).toMatchObject({ platform: 'whatsapp', accountId: 'whatsapp-id', status: 'online', stale: false, lastSeen: new Date(NOW - 60_000).toISOString() });
  });
});
