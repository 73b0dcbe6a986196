import { DiscordGatewayEmulator } from '@amo/presence-adapter-discord/testing';
import { emulatorEnv, eventually, type StreamClient } from '../harness.spec-helper';
import { type ClusterInstance, TestCluster } from './cluster.spec-helper';

// Two guilds, one on each of the two shards the emulator recommends (shard = (guild id >> 22) % 2).
const GUILD_ON_0 = String(2n << 22n);
const GUILD_ON_1 = String(3n << 22n);
const DAN = '81726354000000001';
const EVE = '81726354000000002';
const LEASE_SECONDS = 2;

describe('cluster: each Discord shard has one owner, shards spread, and a killed owner is taken over by RESUME', () => {
  let discord: DiscordGatewayEmulator;
  let cluster: TestCluster;
  const streams: StreamClient[] = [];

  /** The instance id holding a shard's lease now (the lease's value is `<instance id>/<random>`), or null. */
  async function ownerOf(shard: number): Promise<string | null> {
    const token = await cluster.redisClient.get(`${cluster.prefix}lease:push:discord:${shard}`);
    return token === null ? null : token.slice(0, token.lastIndexOf('/'));
  }

  beforeAll(async () => {
    discord = await DiscordGatewayEmulator.start({ recommendedShards: 2, heartbeatIntervalMs: 1_000 });
    discord.addGuild(GUILD_ON_0, 'Zero').addGuild(GUILD_ON_1, 'One');
    discord.addMembers(GUILD_ON_0, [{ id: DAN, status: 'online' }]);
    discord.addMembers(GUILD_ON_1, [{ id: EVE, status: 'online' }]);
    cluster = await TestCluster.start({
      instances: 3,
      name: 'takeover',
      env: { ...emulatorEnv.discord(discord, `${GUILD_ON_0},${GUILD_ON_1}`), PRESENCE_LEASE_SECONDS: String(LEASE_SECONDS) },
    });
  }, 300_000);

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await cluster?.stop();
    await discord?.close();
  });

  it('runs each shard on exactly one instance, on two different instances', async () => {
    const owners = await eventually(async () => {
      const both = await Promise.all([ownerOf(0), ownerOf(1)]);
      return both[0] && both[1] && both[0] !== both[1] ? both : undefined;
    }, 20_000);
    expect(owners.every((owner) => cluster.instances.some((instance) => instance.id === owner))).toBe(true);
    // One gateway connection and one session per shard in the whole cluster. Both shards share one identify bucket
    // (max_concurrency 1: one identify per 5 s), so the second owner's first identify may be refused with op 9 and
    // retried: wait for both sessions, then check that nothing opened a third.
    await eventually(() => discord.openConnections === 2 && discord.sessions.size === 2, 20_000);
    // Every instance reports Discord up, owner or not.
    for (const instance of cluster.instances) {
      await eventually(async () => (await instance.call('GET', '/health', { token: null })).body?.platforms?.discord?.state === 'up', 10_000);
    }
  });

  it('hands a SIGKILLed owner\'s shard to another instance within the lease, which RESUMEs, and loses no PRESENCE_UPDATE', async () => {
    await cluster.instance(0).call('PUT', '/v1/users/dan/identities', { body: { discord: DAN } });
    for (const instance of cluster.instances) {
      await eventually(async () => (await instance.call('GET', '/v1/users/dan/identities')).body?.discord === DAN, 10_000);
      const stream = await instance.stream();
      await stream.subscribe(['dan']);
      streams.push(stream);
    }
    discord.setPresence(GUILD_ON_0, DAN, 'idle', [{ name: 'before', type: 0 }]);
    for (const stream of streams) await stream.next((m) => m.type === 'presence' && m.presence.activity === 'Playing before', 10_000);

    const victimId = (await ownerOf(0)) as string;
    const victim = cluster.instances.find((instance) => instance.id === victimId) as ClusterInstance;
    const survivors = cluster.instances.filter((instance) => instance !== victim);
    const watching = streams.filter((_, index) => cluster.instance(index) !== victim);
    const identifies = discord.counters.identifies;
    const resumes = discord.counters.resumes;
    const killedAt = performance.now();
    await victim.kill();

    // While nobody owns shard 0: changes the new owner must replay on RESUME.
    discord.setPresence(GUILD_ON_0, DAN, 'dnd', [{ name: 'gap-1', type: 0 }]);
    discord.setPresence(GUILD_ON_0, DAN, 'online', [{ name: 'gap-2', type: 0 }]);
    const newOwner = await eventually(async () => {
      const owner = await ownerOf(0);
      return owner && owner !== victimId ? owner : undefined;
    }, 15_000, 10);
    const takeoverMs = performance.now() - killedAt;
    expect(survivors.map((instance) => instance.id)).toContain(newOwner);
    // The lease expires at most LEASE_SECONDS after the victim's last renewal; a survivor tries every third of it.
    expect(takeoverMs).toBeLessThan(LEASE_SECONDS * 1000 + (LEASE_SECONDS * 1000) / 3 + 1_000);

    await eventually(() => discord.counters.resumes > resumes, 15_000);
    expect(discord.counters.identifies).toBe(identifies);
    // The resumed session replays what the gap missed: the takeover starts from dan's latest state.
    for (const stream of watching) await stream.next((m) => m.type === 'presence' && m.presence.activity === 'Playing gap-2', 15_000);

    const after = Array.from({ length: 10 }, (_, i) => `after-${i}`);
    for (const [i, name] of after.entries()) discord.setPresence(GUILD_ON_0, DAN, i % 2 === 0 ? 'dnd' : 'idle', [{ name, type: 0 }]);
    for (const stream of watching) {
      await stream.next((m) => m.type === 'presence' && m.presence.activity === `Playing ${after[after.length - 1]}`, 15_000);
      // Everything sent after the takeover reaches every surviving instance's clients, in order, once.
      const activities = stream.messages.filter((m) => m.type === 'presence' && m.userId === 'dan').map((m) => String(m.presence.activity).replace(/^Playing /, ''));
      expect(activities.slice(-after.length)).toEqual(after);
      expect(activities.filter((name) => name.startsWith('after-'))).toEqual(after);
    }
    // Still one connection per shard.
    await eventually(() => discord.openConnections === 2, 10_000);
    expect(await ownerOf(1)).not.toBeNull();
  }, 120_000);
});
