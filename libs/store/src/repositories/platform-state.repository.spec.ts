import { PlatformStateEntity, type PlatformStateRow } from '../entities/platform-state.entity';
import { backends, type OpenedTestStore, openTestStore, TEST_KEY } from '../test-support/store.test-helpers';
import { CredentialVault, vaultContext } from '../vault/credential-vault';

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('PlatformStateRepository on $name', (backend) => {
  let opened: OpenedTestStore;
  beforeAll(async () => {
    opened = await openTestStore(backend);
  });
  afterAll(async () => {
    await opened.close();
  });

  const rowOf = (platform: string, key: string): Promise<PlatformStateRow | null> =>
    opened.store.dataSource.manager.findOneBy(PlatformStateEntity, { platform, key });

  it('keeps opaque JSON per (platform, key) in a {v: 1, value} envelope', async () => {
    const { platformState } = opened.store;
    const sessions = { '0': { sessionId: 's-1', sequence: 42, resumeGatewayUrl: 'wss://gateway-us-east1-b.discord.gg' } };
    await platformState.set('discord', 'sessions', sessions);
    await platformState.set('discord', 'sessions', { '0': { ...sessions['0'], sequence: 43 } });
    expect((await rowOf('discord', 'sessions'))?.value).toEqual({ v: 1, value: { '0': { ...sessions['0'], sequence: 43 } } });
    expect(await platformState.get('discord', 'sessions')).toEqual({
      platform: 'discord',
      key: 'sessions',
      value: { '0': { ...sessions['0'], sequence: 43 } },
      version: 1,
      sealed: false,
      updatedAt: new Date(opened.clock.now()),
    });
    await platformState.set('discord', 'cursor', null);
    expect((await platformState.get('discord', 'cursor'))?.value).toBeNull();
    expect(await platformState.delete('discord', 'sessions')).toBe(1);
    expect(await platformState.get('discord', 'sessions')).toBeUndefined();
  });

  it('still loads rows written before the envelope (bare values, a side secret)', async () => {
    const { platformState, dataSource } = opened.store;
    const session = { shardId: 0, sessionId: 's', sequence: 7, resumeGatewayUrl: 'wss://g' };
    const vault = new CredentialVault(TEST_KEY);
    const expiresAt = new Date('2025-01-06T10:00:00Z');
    // Exactly what the previous repository wrote: the value bare, a Graph clientState sealed beside it.
    await dataSource.manager.save(PlatformStateEntity, [
      { platform: 'discord', key: 'discord-session:0', value: session, secret: null, expiresAt: null, updatedAt: 1 },
      {
        platform: 'teams',
        key: 'graph-subscription:sub-1',
        value: { id: 'sub-1', resource: '/communications/presences', expiresAt: expiresAt.toISOString() },
        secret: vault.encrypt('cs-secret', vaultContext.platformState('teams', 'graph-subscription:sub-1')),
        expiresAt: expiresAt.getTime(),
        updatedAt: 1,
      },
      { platform: 'teams', key: 'subscriptions', value: [{ id: 'sub-2', clientState: 'x' }], secret: null, expiresAt: null, updatedAt: 1 },
    ]);
    expect(await platformState.get('discord', 'discord-session:0')).toMatchObject({ value: session, version: 0, sealed: false });
    const [graph, saved] = await platformState.list('teams');
    expect(graph).toMatchObject({ key: 'graph-subscription:sub-1', version: 0, expiresAt, value: { id: 'sub-1' } });
    expect((await platformState.secretOf('teams', 'graph-subscription:sub-1'))?.reveal()).toBe('cs-secret');
    expect(saved).toMatchObject({ key: 'subscriptions', version: 0, value: [{ id: 'sub-2', clientState: 'x' }] });
    expect(await platformState.delete('teams')).toBe(2);
  });

  it('seals a whole value with the vault when asked, and lists by prefix', async () => {
    const { platformState, dataSource } = opened.store;
    const subscriptions = [{ id: 'sub-1', clientState: 'cs-secret' }];
    const expiresAt = new Date('2025-01-06T10:00:00Z');
    await platformState.set('teams', 'subscriptions', subscriptions, { sealed: true, expiresAt });
    await platformState.set('teams', 'cursor', { next: 'abc' });
    expect(JSON.stringify(await dataSource.manager.find(PlatformStateEntity))).not.toContain('cs-secret');
    expect(await platformState.get('teams', 'subscriptions')).toMatchObject({ value: subscriptions, sealed: true, version: 1, expiresAt });
    expect(await platformState.secretOf('teams', 'subscriptions')).toBeUndefined();
    expect((await platformState.list('teams', 'sub')).map((e) => e.key)).toEqual(['subscriptions']);
    expect((await platformState.list('teams')).map((e) => e.key)).toEqual(['cursor', 'subscriptions']);
    expect(await platformState.delete('teams')).toBe(2);
  });
});
