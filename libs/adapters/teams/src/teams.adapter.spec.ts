import { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import { PresenceError } from '@amo/presence-core';
import { createTeamsAdapter, type TeamsAdapter } from './teams.adapter';
import { teamsPresenceBucket } from './teams.manifest';
import { GraphEmulator, type GraphEmulatorOptions } from './testing';

describe('TeamsAdapter polling against the Graph emulator', () => {
  let emulator: GraphEmulator;
  let adapter: TeamsAdapter;
  const start = async (options: GraphEmulatorOptions = {}, config: Partial<Parameters<typeof createTeamsAdapter>[0]> = {}, budgets = new RateBudgetRegistry()) => {
    emulator = await GraphEmulator.start(options);
    adapter = createTeamsAdapter({ credentials: emulator.credentials(), maxRetries: 1, ...config }, { budgets, random: () => 0 });
  };
  afterEach(async () => {
    await adapter?.close();
    await emulator?.close();
  });

  it('refreshes 10,000 people in 16 batches of at most 650 within the tenant budget', async () => {
    await start();
    const ids = emulator.addUsers(10_000);
    emulator.setPresence(ids[9_999], { availability: 'DoNotDisturb', activity: 'Presenting' });
    await adapter.connect();
    const before = emulator.presenceBatchRequests().length;
    const result = await adapter.fetchPresence(ids);
    const batches = emulator.presenceBatchRequests().slice(before);
    expect(batches).toHaveLength(16);
    expect(Math.max(...batches.map((req) => (req.body as { ids: string[] }).ids.length))).toBe(650);
    expect(result.records).toHaveLength(10_000);
    expect(result.notFound).toEqual([]);
    expect(result.records.find((r) => r.accountId === ids[9_999])).toMatchObject({ status: 'busy', activity: 'Presenting', sequence: expect.any(String) });
    expect(emulator.overBudgetCount()).toBe(0);
    expect(adapter.health().budgets).toEqual([expect.objectContaining({ bucket: teamsPresenceBucket(emulator.tenant.tenantId), used: 17, limit: 1500 })]);
  });

  it('reports unknown and malformed ids as notFound, bisecting when Graph rejects a whole batch', async () => {
    await start({ unknownIds: 'reject-batch' });
    const ids = emulator.addUsers(6);
    const ghost = '66825e03-7ef5-42da-9069-724602c31f6b';
    const result = await adapter.fetchPresence([...ids.slice(0, 3), ghost, ...ids.slice(3), 'not-a-guid', ids[0].toUpperCase()]);
    expect(result.records.map((r) => r.accountId).sort()).toEqual([...ids].sort());
    expect(result.notFound.sort()).toEqual([ghost, 'not-a-guid'].sort());
  });

  it('refreshes the token once on 401 and keeps going', async () => {
    await start();
    const [alice] = emulator.addUsers(1);
    await adapter.fetchPresence([alice]);
    emulator.revokeTokens();
    const result = await adapter.fetchPresence([alice]);
    expect(result.records).toHaveLength(1);
    expect(emulator.server.requestsTo('/:tenant/oauth2/v2.0/token', 'POST')).toHaveLength(2);
  });

  it('maps a withdrawn permission to PERMISSION_DENIED at connect and bad secrets to AUTH_INVALID', async () => {
    await start();
    emulator.setPresencePermission(false);
    await expect(adapter.connect()).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    const wrong = createTeamsAdapter({ credentials: { ...emulator.credentials(), client_secret: 'wrong' } });
    await expect(wrong.connect()).rejects.toBeInstanceOf(PresenceError);
    await expect(wrong.connect()).rejects.toMatchObject({ code: 'AUTH_INVALID' });
    await wrong.close();
  });

  it('waits out a 429 with Retry-After and retries', async () => {
    await start();
    const [alice] = emulator.addUsers(1);
    emulator.server.faults.rateLimitNext(1, 0, '/v1.0/communications/getPresencesByUserId');
    const result = await adapter.fetchPresence([alice]);
    expect(result.records).toHaveLength(1);
    expect(emulator.presenceBatchRequests()).toHaveLength(2);
    expect(adapter.health().retries).toBe(1);
  });

  it('returns the batches that worked when another fails, and throws when all fail', async () => {
    await start({}, { concurrency: 1 });
    const ids = emulator.addUsers(700);
    emulator.server.faults.failNext(2, { status: 503, headers: { 'retry-after': '0' }, json: { error: { code: 'ServiceUnavailable', message: 'down' } } }, '/v1.0/communications/getPresencesByUserId');
    const partial = await adapter.fetchPresence(ids);
    expect(partial.records).toHaveLength(50);
    expect(adapter.health().lastError).toMatchObject({ code: 'TRANSIENT' });
    emulator.server.faults.failNext(2, { status: 503, json: { error: { code: 'ServiceUnavailable', message: 'down' } } });
    await expect(adapter.fetchPresence(ids.slice(0, 10))).rejects.toMatchObject({ code: 'TRANSIENT' });
  });

  it('never lets an older reading regress what it holds (a poll racing a newer notification)', async () => {
    await start();
    const [alice] = emulator.addUsers(1);
    const first = await adapter.fetchPresence([alice]);
    emulator.setPresence(alice, { availability: 'Busy', activity: 'InACall' });
    const newer = await adapter.fetchPresence([alice]);
    expect(newer.records[0]).toMatchObject({ status: 'busy', activity: 'In a call' });
    // Graph answering an older state (a lagging replica): the adapter keeps the newer one it already holds.
    emulator.server.faults.failNext(1, { status: 200, json: { value: [{ id: alice, availability: 'Available', activity: 'Available', sequenceNumber: first.records[0].sequence }] } });
    const stale = await adapter.fetchPresence([alice]);
    expect(stale.records[0]).toMatchObject({ status: 'busy', sequence: newer.records[0].sequence });
  });
});
