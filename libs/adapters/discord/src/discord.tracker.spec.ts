import { isPresenceChange, type PlatformPresence } from '@amo/presence-core';
import { GatewayDispatchEvents, type GatewayDispatchPayload } from 'discord-api-types/v10';
import { PresenceTracker } from './discord.tracker';

const GUILD = '1100000000000000001';
const BOT = '9000';

/** A tracker fed dispatches directly (no socket): what reaches the sink is all these tests look at. */
function readyTracker(): { tracker: PresenceTracker; heard: PlatformPresence[] } {
  const heard: PlatformPresence[] = [];
  const tracker = new PresenceTracker({
    guildIds: new Set([GUILD]),
    largeThreshold: 250,
    timers: { now: () => 1_700_000_000_000, setTimeout: () => 0, clearTimeout: () => undefined },
    send: () => undefined,
  });
  tracker.attach((record) => heard.push(record));
  tracker.dispatch(dispatch(GatewayDispatchEvents.Ready, { user: { id: BOT }, guilds: [{ id: GUILD }] }));
  return { tracker, heard };
}

function dispatch(t: string, d: unknown): GatewayDispatchPayload {
  return { op: 0, t, d, s: 1 } as unknown as GatewayDispatchPayload;
}

function update(userId: string, status: string, client_status: object): GatewayDispatchPayload {
  return dispatch(GatewayDispatchEvents.PresenceUpdate, { guild_id: GUILD, user: { id: userId }, status, client_status, activities: [] });
}

describe('PresenceTracker de-duplication and filtering', () => {
  it("uses core's change rule: a device-only change reaches the sink, a native respelling does not", () => {
    const { tracker, heard } = readyTracker();
    tracker.setTracked(['1']);
    tracker.dispatch(update('1', 'online', { desktop: 'online' }));
    tracker.dispatch(update('1', 'online', { desktop: 'online' }));
    tracker.dispatch(update('1', 'online', { mobile: 'online' }));
    expect(heard.map((r) => r.devices)).toEqual([{ desktop: 'online' }, { mobile: 'online' }]);
    // The same answer as core's ingest gives for the same pair of readings.
    expect(isPresenceChange(heard[0], heard[1])).toBe(true);
    // invisible and offline are one normalized status: a respelling, not a change (core agrees).
    tracker.dispatch(update('3', 'offline', {}));
    tracker.dispatch(update('3', 'invisible', {}));
    expect(heard.filter((r) => r.accountId === '3').map((r) => r.rawStatus)).toEqual(['offline']);
    expect(isPresenceChange({ status: 'offline' }, { status: 'offline' })).toBe(false);
  });

  it('delivers members nobody tracks (core keeps the linked ones) and re-sends a member once tracked', () => {
    const { tracker, heard } = readyTracker();
    tracker.setTracked(['1']);
    tracker.dispatch(update('2', 'idle', { web: 'idle' }));
    expect(heard.map((r) => r.accountId)).toEqual(['2']);
    tracker.setTracked(['1', '2']);
    expect(heard.map((r) => [r.accountId, r.status])).toEqual([
      ['2', 'idle'],
      ['2', 'idle'],
    ]);
    tracker.setTracked(['1', '2']);
    expect(heard).toHaveLength(2);
  });
});
