import type { PlatformPresence, PresenceStatus } from '@amo/presence-core';
import { advance, GUILD_A, GUILD_B, GUILD_C, type Harness, startHarness, until, useGatewayFakeTimers } from './discord.spec-helper';
import type { DiscordGatewayEmulator } from './testing/discord.emulator';
import { shardOf, type MemberSeed } from './testing';

const NATIVE = ['online', 'idle', 'dnd', 'offline'] as const;
const NORMALIZED: Record<(typeof NATIVE)[number], PresenceStatus> = { online: 'online', idle: 'idle', dnd: 'busy', offline: 'offline' };
const userId = (i: number): string => String(300_000_000_000_000 + i);

function seedMember(i: number): MemberSeed {
  const status = NATIVE[i % 4] as (typeof NATIVE)[number];
  return i % 10 === 1 ? { id: userId(i), status, activities: [{ type: 0, name: `Game ${i}` }] } : { id: userId(i), status };
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, k) => from + k);

describe('Discord initial state: GUILD_CREATE, op 8 chunks, one record per user', () => {
  let h: Harness | undefined;

  beforeEach(() => useGatewayFakeTimers());
  afterEach(async () => {
    await h?.close();
    h = undefined;
    jest.useRealTimers();
  });

  it('brings 10,000 members across 3 large guilds to the right state, asking only for the offline ones', async () => {
    const seed = (e: DiscordGatewayEmulator): void => {
      e.addMembers(GUILD_A, range(1, 5_000).map(seedMember));
      e.addMembers(GUILD_B, range(4_001, 7_000).map(seedMember));
      e.addMembers(GUILD_C, [...range(7_001, 10_000), ...range(1, 500)].map(seedMember));
    };
    const unknown = range(1, 20).map((k) => String(900_000_000_000_000 + k));
    const tracked = [...range(1, 10_000).map(userId), ...unknown];
    h = await startHarness({ guildIds: [GUILD_A, GUILD_B, GUILD_C], seed, config: { trackedIds: tracked } });
    await h.adapter.startPush(h.sink);
    const requestsBefore = h.emulator.server.requests.length;
    const result = await h.adapter.fetchPresence(tracked);

    expect(result.records).toHaveLength(10_000);
    expect(result.notFound.sort()).toEqual(unknown.sort());
    for (const record of result.records) {
      const i = Number(record.accountId) - 300_000_000_000_000;
      expect(record.status).toBe(NORMALIZED[NATIVE[i % 4] as (typeof NATIVE)[number]]);
      if (i % 10 === 1 && i % 4 !== 3) expect(record.activity).toBe(`Playing Game ${i}`);
    }
    // One delivery per user although 1,500 of them are in two guilds.
    expect(h.sink.records).toHaveLength(10_000);
    // Biggest guild first: 2,500 offline + 20 unknown asked of A (26 requests), then of C (3,500 members) the 1,270
    // A did not know (13), then of B the remaining 520 (6).
    const requests = h.emulator.framesWithOp(8);
    const order = requests.map((f) => (f.d as { guild_id: string }).guild_id);
    expect(order).toEqual([...Array(26).fill(GUILD_A), ...Array(13).fill(GUILD_C), ...Array(6).fill(GUILD_B)]);
    expect(requests.every((f) => (f.d as { user_ids: string[] }).user_ids.length <= 100)).toBe(true);
    expect(requests.every((f) => (f.d as { presences: boolean }).presences === true)).toBe(true);
    expect(h.emulator.counters.sendLimitDisconnects).toBe(0);
    // fetchPresence answered from gateway state: no REST call.
    expect(h.emulator.server.requests.length).toBe(requestsBefore);
  });

  it('waits out the op 8 RATE_LIMITED dispatch before asking again', async () => {
    h = await startHarness({
      seed: (e) => e.addMembers(GUILD_A, range(1, 300).map((i) => (i === 7 ? userId(i) : { id: userId(i), status: 'online' }))),
      config: { trackedIds: [userId(7), userId(8)] },
    });
    h.emulator.rateLimitMemberRequests(1, 2.5);
    await h.adapter.startPush(h.sink);
    await until(() => h?.emulator.counters.memberRequestsRateLimited === 1, 'rate limited');
    await advance(2_400, 600);
    expect(h.emulator.counters.memberRequests).toBe(1);
    expect(h.sink.latest(userId(7))).toBeUndefined();
    await advance(200, 100);
    await until(() => h?.sink.latest(userId(7))?.status === 'offline', 'offline after the retry');
    expect(h.emulator.counters.memberRequests).toBe(2);
    expect(h.adapter.stats()['memberRequests.rateLimited']).toBe(1);
  });

  it('paces op 8 under 120 sends per 60 s, heartbeats included', async () => {
    const unknown = range(1, 15_000).map((k) => String(900_000_000_000_000 + k));
    h = await startHarness({
      seed: (e) => e.addMembers(GUILD_A, range(1, 300).map((i) => ({ id: userId(i), status: 'online' }))),
      config: { trackedIds: unknown, syncTimeoutMs: 10 * 60_000 },
    });
    await h.adapter.startPush(h.sink);
    await until(() => (h?.emulator.counters.memberRequests ?? 0) >= 50, 'first window of requests');
    expect(h.emulator.counters.memberRequests).toBeLessThan(120);
    const fetched = h.adapter.fetchPresence(unknown.slice(0, 3));
    for (let minute = 0; minute < 3; minute += 1) await advance(60_000, 1_000);
    await until(() => h?.emulator.counters.memberRequests === 150, 'every batch asked');
    await expect(fetched).resolves.toMatchObject({ records: [], notFound: unknown.slice(0, 3) });
    expect(h.emulator.counters.sendLimitDisconnects).toBe(0);
    expect(h.emulator.counters.identifies).toBe(1);
    expect(h.adapter.stats()['zombies']).toBe(0);
    expect(h.adapter.stats()['memberRequests.retries']).toBe(0);
    const minuteOf = (at: number): number => Math.floor((at - (h?.emulator.frames[0]?.at ?? 0)) / 60_000);
    const perMinute = new Map<number, number>();
    for (const f of h.emulator.frames) perMinute.set(minuteOf(f.at), (perMinute.get(minuteOf(f.at)) ?? 0) + 1);
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(120);
  });

  it('delivers one record for a change seen in several guilds, and re-sends newly tracked ids', async () => {
    const both = userId(42);
    h = await startHarness({
      guildIds: [GUILD_A, GUILD_B],
      seed: (e) => {
        e.addMembers(GUILD_A, [{ id: both, status: 'online' }, ...range(1, 300).map((i) => ({ id: userId(1000 + i), status: 'idle' }))]);
        e.addMembers(GUILD_B, [{ id: both, status: 'online' }, userId(43)]);
      },
      config: { trackedIds: [both] },
    });
    const of = (id: string): PlatformPresence[] => h?.sink.records.filter((r) => r.accountId === id) ?? [];
    await h.adapter.startPush(h.sink);
    await until(() => of(both).length === 1, 'initial');
    h.emulator.setUserPresence(both, 'idle', [{ type: 4, name: 'Custom Status', state: 'lunch', emoji: { name: '🍜' } }]);
    await until(() => h?.emulator.counters.presenceUpdates === 2, 'two dispatches');
    h.emulator.setPresence(GUILD_B, userId(43), 'online');
    await until(() => h?.adapter.stats()['presencesNormalized'] === 306, 'all normalized');
    expect(of(both)).toHaveLength(2);
    expect(h.sink.latest(both)).toMatchObject({ status: 'idle', customMessage: '🍜 lunch' });
    // Untracked members reach the sink too: core's ingest is the one filter (links and consent).
    expect(h.sink.latest(userId(43))).toMatchObject({ status: 'online' });
    const before = [of(userId(43)).length, of(userId(1001)).length];
    h.adapter.setTrackedIds([both, userId(43), userId(1001)]);
    expect([of(userId(43)).length, of(userId(1001)).length]).toEqual([before[0] + 1, before[1] + 1]);
    expect(h.sink.latest(userId(1001))).toMatchObject({ status: 'idle' });
  });

  it('resumes a session saved by a previous process and asks for the tracked members again', async () => {
    h = await startHarness({
      seed: (e) => e.addMembers(GUILD_A, range(1, 300).map((i) => ({ id: userId(i), status: i === 1 ? 'offline' : 'online' }))),
      config: { trackedIds: [userId(1), userId(2)] },
    });
    await h.adapter.connect();
    await h.adapter.fetchPresence([userId(1)]);
    const session = h.adapter.session();
    await h.adapter.close();
    h.emulator.setPresence(GUILD_A, userId(2), 'dnd');
    const { createDiscordAdapter } = await import('./discord.adapter');
    const restarted = createDiscordAdapter({
      credentials: { bot_token: h.emulator.token, guild_id: GUILD_A },
      apiBaseUrl: h.emulator.apiBaseUrl,
      trackedIds: [userId(1), userId(2)],
      session,
    });
    try {
      const result = await restarted.fetchPresence([userId(1), userId(2)]);
      expect(result.records.map((r) => [r.accountId, r.status]).sort()).toEqual([
        [userId(1), 'offline'],
        [userId(2), 'busy'],
      ]);
      expect(h.emulator.counters.identifies).toBe(1);
      expect(h.emulator.counters.resumes).toBe(1);
    } finally {
      await restarted.close();
    }
  });

  it('identifies with its shard and sees only the guilds routed to it', async () => {
    const candidates = range(1, 20).map((k) => String(BigInt(GUILD_A) + BigInt(k) * 4_194_304n));
    const onOne = candidates.find((id) => shardOf(id, 2) === 1) as string;
    const onZero = candidates.find((id) => shardOf(id, 2) === 0) as string;
    h = await startHarness({
      guildIds: [onOne, onZero],
      seed: (e) => {
        e.addMembers(onOne, [{ id: userId(1), status: 'online' }]);
        e.addMembers(onZero, [{ id: userId(2), status: 'online' }]);
      },
      config: { shard: { id: 1, count: 2 } },
    });
    const result = await h.adapter.fetchPresence([userId(1), userId(2)]);
    expect(h.emulator.framesWithOp(2)[0]?.d).toMatchObject({ shard: [1, 2] });
    expect(result.records.map((r) => r.accountId)).toEqual([userId(1)]);
    expect(result.notFound).toEqual([userId(2)]);
    expect(h.adapter.missingGuilds()).toEqual([onZero]);
  });
});
