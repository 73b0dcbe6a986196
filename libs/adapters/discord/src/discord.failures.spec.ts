import { PresenceError } from '@amo/presence-core';
import { advance, GUILD_A, type Harness, startHarness, until, useGatewayFakeTimers } from './discord.spec-helper';

describe('Discord adapter: failures it must not retry', () => {
  let h: Harness | undefined;

  beforeEach(() => useGatewayFakeTimers());

  afterEach(async () => {
    await h?.close();
    h = undefined;
    jest.useRealTimers();
  });

  it('4014 (presence intent not enabled) stops, reports PERMISSION_DENIED and never reconnects', async () => {
    h = await startHarness({ emulator: { allowPresencesIntent: false } });
    const push = h.adapter.startPush(h.sink);
    await expect(push).rejects.toMatchObject({ code: 'PERMISSION_DENIED', status: 4014 });
    expect(h.sink.states.map((s) => s.state)).toEqual(['connecting', 'failed']);
    expect(h.sink.states[1]?.error).toBeInstanceOf(PresenceError);
    expect(h.sink.states[1]?.error?.message).toMatch(/Developer Portal/);
    await advance(10 * 60_000, 30_000);
    expect(h.emulator.counters.connections).toBe(1);
    expect(h.emulator.counters.identifies).toBe(0);
    expect(h.adapter.health()).toMatchObject({ connection: 'failed', lastError: { code: 'PERMISSION_DENIED' } });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a bad token fails GET /gateway/bot with AUTH_INVALID and opens no socket', async () => {
    h = await startHarness({ config: { credentials: { token: 'wrong', guild_id: GUILD_A } } });
    await expect(h.adapter.connect()).rejects.toMatchObject({ code: 'AUTH_INVALID', status: 401 });
    expect(h.emulator.counters.connections).toBe(0);
  });

  it('4004 mid-session is AUTH_INVALID with no reconnect loop', async () => {
    h = await startHarness();
    await h.adapter.startPush(h.sink);
    h.emulator.closeWith(4004);
    await until(() => h?.sink.lastState() === 'failed', 'failed state');
    expect(h.sink.states[h.sink.states.length - 1]?.error).toMatchObject({ code: 'AUTH_INVALID', status: 4004 });
    await advance(5 * 60_000, 30_000);
    expect(h.emulator.counters.connections).toBe(1);
  });

  it.each([4010, 4011, 4012, 4013])('%i gives up as PROTOCOL', async (code) => {
    h = await startHarness();
    await h.adapter.startPush(h.sink);
    h.emulator.closeWith(code);
    await until(() => h?.sink.lastState() === 'failed', 'failed state');
    expect(h.adapter.health().lastError?.code).toBe('PROTOCOL');
    await advance(60_000, 30_000);
    expect(h.emulator.counters.connections).toBe(1);
  });

  it('connect() after a failure starts over (the operator fixed the portal settings)', async () => {
    h = await startHarness({ emulator: { allowPresencesIntent: false } });
    await expect(h.adapter.connect()).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    h.emulator.setPrivilegedIntents({ presences: true });
    await advance(5_000, 5_000);
    await h.adapter.connect();
    expect(h.adapter.health().connection).toBe('up');
    expect(h.emulator.counters.identifies).toBe(1);
  });

  it('backs off with full jitter while the gateway is unreachable, then resumes', async () => {
    h = await startHarness({ config: { reconnect: { baseMs: 1_000, maxMs: 8_000 } } });
    await h.adapter.startPush(h.sink);
    h.emulator.refuseNextConnections(2);
    h.emulator.dropConnections();
    await until(() => h?.emulator.counters.connections === 2, 'immediate first retry');
    await until(() => h?.sink.lastState() === 'down' && jest.getTimerCount() > 0, 'waiting to retry');
    await advance(499, 499);
    expect(h.emulator.counters.connections).toBe(2);
    await advance(1, 1);
    await until(() => h?.emulator.counters.connections === 3, 'retry after 0.5 x 1000 x 2^0');
    await until(() => h?.sink.lastState() === 'down', 'refused again');
    await advance(999, 999);
    expect(h.emulator.counters.connections).toBe(3);
    await advance(1, 1);
    await until(() => h?.sink.lastState() === 'up', 'resumed after 0.5 x 1000 x 2^1');
    expect(h.emulator.counters.resumes).toBe(1);
    expect(h.emulator.counters.identifies).toBe(1);
  });
});
