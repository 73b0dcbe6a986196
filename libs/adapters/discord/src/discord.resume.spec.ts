import { createDiscordAdapter } from './discord.adapter';
import { advance, GUILD_A, type Harness, RecordingSink, startHarness, until, useGatewayFakeTimers } from './discord.spec-helper';
import type { DiscordSessions } from './gateway/gateway.sessions';
import { DiscordGatewayEmulator } from './testing/discord.emulator';

const seed = (e: DiscordGatewayEmulator): void => {
  e.addMembers(GUILD_A, [{ id: '201', status: 'online' }, '202']);
};

describe('Discord: a resume that fails falls back to a fresh IDENTIFY', () => {
  let h: Harness | undefined;

  beforeEach(() => useGatewayFakeTimers());
  afterEach(async () => {
    await h?.close();
    h = undefined;
    jest.useRealTimers();
  });

  it('a saved session whose resume_gateway_url is a previous run\'s gateway (port gone) identifies at /gateway/bot', async () => {
    const first = await startHarness({ seed });
    await first.adapter.connect();
    const saved = first.adapter.session();
    const firstGateway = first.emulator.gatewayUrl;
    await first.close();
    expect(saved?.resumeGatewayUrl).toMatch(new RegExp(`^${firstGateway}/resume/`));

    // The second run: a new gateway on another port, as after a second `npm start`.
    const emulator = await DiscordGatewayEmulator.start({ heartbeatIntervalMs: 1_000 });
    emulator.addGuild(GUILD_A);
    seed(emulator);
    const stored: Array<DiscordSessions | null> = [];
    const adapter = createDiscordAdapter(
      {
        credentials: { bot_token: emulator.token, guild_id: GUILD_A },
        apiBaseUrl: emulator.apiBaseUrl,
        maxRetries: 0,
        session: saved,
        onSession: (s) => stored.push(s),
      },
      { random: () => 0.5 },
    );
    h = { emulator, adapter, sink: new RecordingSink(), close: async () => (await adapter.close(), await emulator.close()) };
    const sink = h.sink;
    const push = adapter.startPush(sink);
    await until(() => sink.lastState() === 'up', 'up on the new gateway');
    await push;
    expect(emulator.counters.identifies).toBe(1);
    expect(emulator.counters.resumes).toBe(0);
    expect(adapter.stats()['resumeFallbacks']).toBe(1);
    expect(stored).toContain(null);
    expect(stored[stored.length - 1]?.['0']?.resumeGatewayUrl).toMatch(new RegExp(`^${emulator.gatewayUrl}/resume/`));
    await until(() => sink.latest('201')?.status === 'online', 'state from the new session');
  });

  it('after Discord rotates resume URLs, three refused resumes lead to IDENTIFY on the gateway URL', async () => {
    h = await startHarness({ seed, config: { reconnect: { baseMs: 1_000, maxMs: 8_000 } } });
    const { emulator, sink } = h;
    await h.adapter.startPush(sink);
    emulator.retireResumeUrls();
    emulator.dropConnections();
    const refused = (n: number) => () => emulator.counters.resumeUrlRefused === n && sink.lastState() === 'down';
    await until(refused(1), 'first refused resume, waiting to retry');
    await advance(500, 100);
    await until(refused(2), 'second, after 0.5 x 1000');
    expect(emulator.counters.identifies).toBe(1);
    await advance(1_000, 100);
    await until(() => emulator.counters.resumeUrlRefused === 3, 'third, after 0.5 x 2000');
    // The Identify waits for its max_concurrency slot: 5 s after the first one.
    await advance(5_000, 500);
    await until(() => emulator.counters.identifies === 2 && sink.lastState() === 'up', 'fresh identify');
    expect(emulator.counters.resumes).toBe(0);
    expect(emulator.counters.resumeUrlRefused).toBe(3);
    expect(h.adapter.stats()['resumeFallbacks']).toBe(1);
    emulator.setPresence(GUILD_A, '202', 'idle');
    await until(() => sink.latest('202')?.status === 'idle', 'updates on the new session');
  });

  it('a Resume that gets neither RESUMED nor op 9 within resumeTimeoutMs identifies afresh', async () => {
    h = await startHarness({ seed, config: { resumeTimeoutMs: 10_000 } });
    const emulator = h.emulator;
    await h.adapter.startPush(h.sink);
    emulator.ignoreNextResumes(1);
    emulator.sendReconnect();
    await until(() => emulator.framesWithOp(6).length === 1, 'resume sent');
    await advance(9_900, 900);
    expect(emulator.counters.identifies).toBe(1);
    await advance(200, 100);
    await until(() => emulator.counters.identifies === 2 && h?.sink.lastState() === 'up', 'identify after the bound');
    expect(emulator.counters.resumes).toBe(0);
  });
});
