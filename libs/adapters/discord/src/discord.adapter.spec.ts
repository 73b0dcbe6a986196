import { activeResources, leaksAfterClose } from '@amo/presence-adapter-kit/testing';
import { advance, GUILD_A, type Harness, startHarness, until, useGatewayFakeTimers } from './discord.spec-helper';

const ids = ['500000000000000001', '500000000000000002', '500000000000000003'];
const seed = (e: Harness['emulator']): void => {
  e.addMembers(GUILD_A, [
    { id: ids[0] as string, status: 'online', activities: [{ type: 4, name: 'Custom Status', state: 'hi' }] },
    { id: ids[1] as string, status: 'idle', clientStatus: { mobile: 'idle', web: 'idle' } },
    ids[2] as string,
  ]);
};

describe('Discord adapter', () => {
  let h: Harness | undefined;

  afterEach(async () => {
    await h?.close();
    h = undefined;
    jest.useRealTimers();
  });

  it('declares push truthfully: a connected fetchPresence makes no request and fills only declared fields', async () => {
    h = await startHarness({ seed });
    await h.adapter.connect();
    const requests = h.emulator.server.requests.length;
    const frames = h.emulator.frames.length;
    const result = await h.adapter.fetchPresence([...ids, ids[0] as string, '500000000000000404']);
    expect(h.emulator.server.requests.length).toBe(requests);
    expect(h.emulator.frames.length).toBe(frames);
    expect(result.records.map((r) => r.accountId)).toEqual(ids);
    expect(result.notFound).toEqual(['500000000000000404']);
    const caps = h.adapter.capabilities;
    expect(caps).toMatchObject({ freshness: 'push', push: true, poll: false, inferred: false });
    for (const record of result.records) {
      for (const field of ['activity', 'customMessage', 'lastSeen', 'devices', 'expiresAt', 'sequence'] as const) {
        if (record[field] !== undefined) expect(caps.fields).toContain(field);
      }
    }
    expect(result.records[1]).toMatchObject({ status: 'idle', devices: { mobile: 'idle', web: 'idle' } });
    expect(await h.adapter.fetchPresence([])).toEqual({ records: [], notFound: [] });
  });

  it('reports health with the gateway send budget and the connection', async () => {
    h = await startHarness({ seed });
    await h.adapter.connect();
    const health = h.adapter.health();
    expect(health).toMatchObject({ breaker: 'closed', connection: 'up', retries: 0 });
    expect(health.budgets).toContainEqual(expect.objectContaining({ bucket: 'discord:gateway-send', limit: 120 }));
    expect(h.adapter.stats()).toMatchObject({ identifies: 1, invalidFrames: 0 });
  });

  it('close() leaves no timers or sockets, twice over (real timers)', async () => {
    const baseline = activeResources();
    h = await startHarness({ seed, emulator: { heartbeatIntervalMs: 50 } });
    await h.adapter.startPush(h.sink);
    await until(() => h?.emulator.counters.heartbeatAcks !== undefined && h.emulator.counters.heartbeatAcks > 1, 'heartbeats');
    await h.adapter.close();
    await h.adapter.close();
    await until(() => h?.emulator.openConnections === 0, 'socket closed');
    await h.emulator.close();
    expect(await leaksAfterClose(baseline)).toEqual([]);
    await expect(h.adapter.connect()).rejects.toMatchObject({ code: 'TRANSIENT' });
  });

  it('gives up connect() after connectTimeoutMs with TRANSIENT, and stops trying', async () => {
    useGatewayFakeTimers();
    h = await startHarness({ seed, config: { connectTimeoutMs: 5_000, reconnect: { baseMs: 100, maxMs: 200 } } });
    h.emulator.refuseNextConnections(1_000);
    const connecting = h.adapter.connect();
    const outcome = connecting.catch((error: unknown) => error);
    await until(() => (h?.emulator.counters.connections ?? 0) >= 2, 'refused connections');
    await advance(5_000, 100);
    await expect(outcome).resolves.toMatchObject({ code: 'TRANSIENT' });
    const attempts = h.emulator.counters.connections;
    expect(attempts).toBeGreaterThan(2);
    await advance(5_000, 1_000);
    expect(h.emulator.counters.connections).toBe(attempts);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('fetchPresence rejects TRANSIENT when the initial state does not arrive within syncTimeoutMs', async () => {
    useGatewayFakeTimers();
    h = await startHarness({
      seed: (e) => e.addMembers(GUILD_A, Array.from({ length: 300 }, (_, i) => ({ id: String(600_000_000_000_000 + i), status: 'online' }))),
      config: { trackedIds: ['700000000000000001'], syncTimeoutMs: 2_000 },
    });
    h.emulator.rateLimitMemberRequests(1, 600);
    await h.adapter.connect();
    const fetched = h.adapter.fetchPresence(['700000000000000001']).catch((error: unknown) => error);
    await advance(2_000, 500);
    await expect(fetched).resolves.toMatchObject({ code: 'TRANSIENT' });
  });
});
