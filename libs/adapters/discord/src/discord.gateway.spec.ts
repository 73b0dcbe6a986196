import type { DiscordSessions } from './gateway/gateway.sessions';
import { advance, GUILD_A, type Harness, startHarness, until, useGatewayFakeTimers } from './discord.spec-helper';

const members = [
  { id: '201', status: 'online' },
  { id: '202', status: 'idle' },
  '203',
] as const;

describe('Discord gateway protocol against the emulator', () => {
  let h: Harness;
  let saved: Array<DiscordSessions | null>;

  beforeEach(async () => {
    useGatewayFakeTimers();
    saved = [];
    h = await startHarness({
      seed: (e) => e.addMembers(GUILD_A, members.map((m) => m)),
      config: { onSession: (s) => saved.push(s), sessionSaveDebounceMs: 200 },
    });
    await h.adapter.startPush(h.sink);
    await until(() => h.sink.records.length === 3, 'initial records');
  });

  afterEach(async () => {
    await h.close();
    jest.useRealTimers();
  });

  it('asks GET /v10/gateway/bot with the bot token, then identifies with intents 259 on ?v=10&encoding=json', () => {
    const [rest] = h.emulator.server.requestsTo('/api/v10/gateway/bot', 'GET');
    expect(rest?.headers.authorization).toBe(`Bot ${h.emulator.token}`);
    const [identify] = h.emulator.framesWithOp(2);
    expect(identify?.d).toMatchObject({ token: h.emulator.token, intents: 259, shard: [0, 1], large_threshold: 250 });
    expect(h.sink.states.map((s) => s.state)).toEqual(['connecting', 'up']);
    expect(saved[0]?.['0']).toMatchObject({ resumeGatewayUrl: expect.stringMatching(`^${h.emulator.gatewayUrl}/resume/`), shard: [0, 1] });
    expect(h.sink.latest('201')).toMatchObject({ status: 'online', devices: { desktop: 'online' } });
    expect(h.sink.latest('203')).toMatchObject({ status: 'offline' });
  });

  it('beats first after interval x jitter, then every interval, with the last sequence; op 1 beats at once', async () => {
    await advance(499, 499);
    expect(h.emulator.counters.heartbeats).toBe(0);
    await advance(1, 1);
    await until(() => h.emulator.counters.heartbeats === 1, 'first heartbeat at 500 ms (1000 x 0.5)');
    expect(h.emulator.framesWithOp(1)[0]?.d).toBe(2); // READY (1) and GUILD_CREATE (2)
    h.emulator.setPresence(GUILD_A, '203', 'online');
    await until(() => h.sink.latest('203')?.status === 'online', 'update');
    h.emulator.requestHeartbeat();
    await until(() => h.emulator.counters.heartbeats === 2, 'requested heartbeat');
    expect(h.emulator.framesWithOp(1)[1]?.d).toBe(3);
    await advance(999, 999);
    expect(h.emulator.counters.heartbeats).toBe(2);
    await advance(1, 1);
    await until(() => h.emulator.counters.heartbeats === 3, 'heartbeat one interval later');
    expect(saved[saved.length - 1]?.['0']?.sequence).toBe(3);
  });

  it('treats a missing ACK as a zombie: closes non-1000, resumes with session and seq, loses no PRESENCE_UPDATE', async () => {
    await advance(500, 500);
    await until(() => h.emulator.counters.heartbeatAcks === 1, 'first ACK');
    const session = h.adapter.session();
    h.emulator.stopAcking({ deaf: true });
    await advance(1000, 1000);
    await until(() => h.emulator.counters.heartbeats === 2, 'unanswered heartbeat');
    h.emulator.setPresence(GUILD_A, '201', 'dnd', [{ type: 4, name: 'Custom Status', state: 'heads down' }]);
    h.emulator.setPresence(GUILD_A, '203', 'online', [{ type: 2, name: 'Spotify' }], { mobile: 'online' });
    expect(h.sink.latest('201')?.status).toBe('online');
    await advance(1000, 1000);
    await until(() => h.emulator.counters.resumes === 1 && h.sink.lastState() === 'up', 'resume');
    await until(() => h.sink.latest('203')?.status === 'online', 'replayed update');
    expect(h.emulator.counters.clientCloses).toHaveLength(1);
    expect(h.emulator.counters.clientCloses[0]).not.toBe(1000);
    const [resume] = h.emulator.framesWithOp(6);
    expect(resume?.d).toEqual({ token: h.emulator.token, session_id: session?.sessionId, seq: 2 });
    expect(h.emulator.counters.resumeUrlConnections).toBe(1);
    expect(h.emulator.counters.identifies).toBe(1);
    expect(h.emulator.counters.replayed).toBe(2);
    expect(h.sink.latest('201')).toMatchObject({ status: 'busy', customMessage: 'heads down' });
    expect(h.sink.latest('203')).toMatchObject({ activity: 'Listening to Spotify', devices: { mobile: 'online' } });
    expect(h.adapter.stats()['zombies']).toBe(1);
  });

  it('resumes after op 7 and after resumable closes and drops', async () => {
    h.emulator.sendReconnect();
    await until(() => h.emulator.counters.resumes === 1, 'resume after op 7');
    h.emulator.closeWith(4000);
    await until(() => h.emulator.counters.resumes === 2, 'resume after 4000');
    h.emulator.dropConnections();
    await until(() => h.emulator.counters.resumes === 3, 'resume after a dropped connection');
    expect(h.emulator.counters.identifies).toBe(1);
    h.emulator.setPresence(GUILD_A, '202', 'online');
    await until(() => h.sink.latest('202')?.status === 'online', 'update on the resumed session');
  });

  it('re-identifies after op 9 false (after the 1-5 s wait and within max_concurrency) and after 4009', async () => {
    h.emulator.invalidateSession(false);
    await until(() => saved[saved.length - 1] === null, 'session dropped');
    await advance(2_999, 1_000);
    expect(h.emulator.counters.identifies).toBe(1);
    await advance(2_100, 700);
    await until(() => h.emulator.counters.identifies === 2 && h.sink.lastState() === 'up', 'second identify');
    const [first, second] = h.emulator.framesWithOp(2);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(5_000);
    expect(h.emulator.counters.invalidSessions).toBe(1);
    await advance(5_000, 1_000);
    h.emulator.closeWith(4009);
    await until(() => h.emulator.counters.identifies === 3, 'identify after 4009');
    expect(h.emulator.counters.resumes).toBe(0);
  });

  it('resumes after op 9 true', async () => {
    h.emulator.invalidateSession(true);
    await until(() => h.emulator.counters.resumes === 1, 'resume after op 9 true');
    expect(h.emulator.counters.identifies).toBe(1);
  });

  it('survives invalid frames without reconnecting', async () => {
    h.emulator.sendRaw('{"op": 0, "t": "PRESENCE_UPD');
    h.emulator.sendRaw('[]');
    h.emulator.sendRaw('{"op": "0"}');
    h.emulator.sendRaw('{"op": 0, "t": "PRESENCE_UPDATE", "s": 3, "d": null}');
    h.emulator.sendRaw('{"op": 0, "t": "PRESENCE_UPDATE", "s": 4, "d": {"user": {}, "status": "online"}}');
    h.emulator.sendRaw('{"op": 10, "d": {}}');
    h.emulator.setPresence(GUILD_A, '203', 'idle');
    await until(() => h.sink.latest('203')?.status === 'idle', 'update after garbage');
    expect(h.adapter.stats()['invalidFrames']).toBe(4);
    expect(h.emulator.counters.connections).toBe(1);
  });

  it('hands the session out on close, closing resumably', async () => {
    await h.adapter.close();
    expect(h.emulator.openConnections).toBe(0);
    expect(h.emulator.counters.clientCloses).toEqual([4900]);
    const last = saved[saved.length - 1]?.['0'];
    expect(last?.sessionId).toBeDefined();
    expect(h.emulator.sessions.has(last?.sessionId ?? '')).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });
});
