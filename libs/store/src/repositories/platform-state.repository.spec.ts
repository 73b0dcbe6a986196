import { inspect } from 'node:util';
import { PlatformStateEntity } from '../entities/platform-state.entity';
import { backends, type OpenedTestStore, openTestStore } from '../test-support/store.test-helpers';

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('PlatformStateRepository on $name', (backend) => {
  let opened: OpenedTestStore;
  beforeAll(async () => {
    opened = await openTestStore(backend);
  });
  afterAll(async () => {
    await opened.close();
  });

  it('keeps Graph subscriptions with the clientState sealed', async () => {
    const { platformState, dataSource } = opened.store;
    const expiresAt = new Date('2025-01-06T10:00:00Z');
    await platformState.saveGraphSubscription({ id: 'sub-1', resource: '/communications/presences', expiresAt, clientState: 'cs-secret' });
    const rows = await dataSource.manager.find(PlatformStateEntity);
    expect(JSON.stringify(rows)).not.toContain('cs-secret');
    const [subscription] = await platformState.graphSubscriptions();
    expect(subscription).toMatchObject({ id: 'sub-1', resource: '/communications/presences', expiresAt });
    expect(subscription.clientState.reveal()).toBe('cs-secret');
    expect(inspect(subscription)).not.toContain('cs-secret');
    expect((await platformState.get('teams', 'graph-subscription:sub-1'))?.expiresAt).toEqual(expiresAt);
    expect(await platformState.deleteGraphSubscription('sub-1')).toBe(true);
    expect(await platformState.graphSubscriptions()).toEqual([]);
  });

  it('keeps Discord sessions per shard for RESUME', async () => {
    const { platformState } = opened.store;
    const session = { shardId: 0, sessionId: 's-1', sequence: 42, resumeGatewayUrl: 'wss://gateway-us-east1-b.discord.gg' };
    await platformState.saveDiscordSession(session);
    await platformState.saveDiscordSession({ ...session, sequence: 43 });
    expect(await platformState.discordSession()).toEqual({ ...session, sequence: 43 });
    expect(await platformState.discordSession(1)).toBeUndefined();
    expect(await platformState.clearDiscordSession()).toBe(true);
    expect(await platformState.discordSession()).toBeUndefined();
  });

  it('is a generic keyed table too', async () => {
    const { platformState } = opened.store;
    await platformState.set('zoom', 'cursor', { next: 'abc' });
    await platformState.set('zoom', 'webhook', { url: 'https://x' }, { secret: 'token' });
    const entry = await platformState.get<{ next: string }>('zoom', 'cursor');
    expect(entry).toEqual({ platform: 'zoom', key: 'cursor', value: { next: 'abc' }, hasSecret: false, updatedAt: new Date(opened.clock.now()) });
    expect((await platformState.list('zoom')).map((e) => e.key)).toEqual(['cursor', 'webhook']);
    expect((await platformState.secretOf('zoom', 'webhook'))?.reveal()).toBe('token');
    expect(await platformState.secretOf('zoom', 'cursor')).toBeUndefined();
    expect(await platformState.delete('zoom')).toBe(2);
    expect(await platformState.get('zoom', 'cursor')).toBeUndefined();
  });
});
