import { advance, GUILD_A, type Harness, startHarness, until, useGatewayFakeTimers } from './discord.spec-helper';
import type { DiscordSessions } from './gateway/gateway.sessions';
import { shardOf } from './testing';
import type { DiscordGatewayEmulator } from './testing/discord.emulator';

/** 2,501 guilds: more than one shard may hold, so Discord recommends 3 shards. */
const guildIds = Array.from({ length: 2_501 }, (_, k) => String(BigInt(GUILD_A) + (BigInt(k) << 22n)));
const bigBot = (e: DiscordGatewayEmulator): void => {
  for (const id of guildIds) e.addGuild(id);
  e.addMembers(guildIds[1] as string, [{ id: '201', status: 'online' }]);
  e.addMembers(guildIds[2] as string, [{ id: '202', status: 'dnd' }]);
};

describe('Discord shards: one process runs every shard GET /gateway/bot recommends', () => {
  let h: Harness | undefined;

  beforeEach(() => useGatewayFakeTimers());
  afterEach(async () => {
    await h?.close();
    h = undefined;
    jest.useRealTimers();
  });

  it('a bot in 2,501 guilds identifying unsharded is closed with 4011 (the emulator enforces it)', async () => {
    h = await startHarness({ guildIds: [GUILD_A], seed: bigBot, config: { shard: { id: 0, count: 1 } } });
    await expect(h.adapter.connect()).rejects.toMatchObject({ code: 'PROTOCOL', status: 4011 });
    expect(h.emulator.counters.serverCloses[4011]).toBe(1);
  });

  it('runs the 3 recommended shards, identifying one per 5 s (max_concurrency 1), up once all are ready', async () => {
    const saved: Array<DiscordSessions | null> = [];
    const watched = guildIds.slice(0, 3);
    h = await startHarness({ guildIds: watched, seed: bigBot, config: { onSession: (s) => saved.push(s) } });
    const { emulator, adapter, sink } = h;
    const push = adapter.startPush(sink);
    await until(() => emulator.counters.identifies === 1, 'shard 0');
    await advance(4_900, 700);
    expect(emulator.counters.identifies).toBe(1);
    expect(sink.lastState()).toBe('connecting');
    await advance(200, 100);
    await until(() => emulator.counters.identifies === 2, 'shard 1 after 5 s');
    await advance(5_000, 500);
    await until(() => sink.lastState() === 'up', 'every shard ready');
    await push;
    const identifies = emulator.framesWithOp(2);
    expect(identifies.map((f) => (f.d as { shard: number[] }).shard)).toEqual([[0, 3], [1, 3], [2, 3]]);
    const at = identifies.map((f) => f.at);
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(5_000);
    expect((at[2] ?? 0) - (at[1] ?? 0)).toBeGreaterThanOrEqual(5_000);
    expect(emulator.counters.invalidSessions).toBe(0);
    expect(emulator.counters.serverCloses[4011]).toBeUndefined();
    expect(sink.states.map((s) => s.state)).toEqual(['connecting', 'up']);
    // Members of guilds on two different shards both arrive; the sessions are stored per shard.
    expect(shardOf(guildIds[1] as string, 3)).not.toBe(shardOf(guildIds[2] as string, 3));
    await until(() => sink.latest('201')?.status === 'online' && sink.latest('202')?.status === 'busy', 'records');
    const last = saved[saved.length - 1] ?? {};
    expect(Object.keys(last).sort()).toEqual(['0', '1', '2']);
    expect(last['2']?.shard).toEqual([2, 3]);
    expect(adapter.stats()['shards']).toBe(3);
  });
});
