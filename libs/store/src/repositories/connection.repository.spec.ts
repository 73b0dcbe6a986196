import { inspect } from 'node:util';
import { InvalidInputError } from '@amo/presence-core';
import { ConnectionEntity } from '../entities/connection.entity';
import { backends, type OpenedTestStore, openTestStore } from '../test-support/store.test-helpers';
import { VaultKeyError } from '../vault/vault.errors';

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('ConnectionRepository on $name', (backend) => {
  let opened: OpenedTestStore;
  beforeAll(async () => {
    opened = await openTestStore(backend);
  });
  afterAll(async () => {
    await opened.close();
  });

  it('stores credentials sealed and returns them only through reveal()', async () => {
    const { connections, dataSource } = opened.store;
    const saved = await connections.save({
      platform: 'discord',
      kind: 'app',
      credentials: { botToken: 'Bot.abc.def' },
      tokenExpiresAt: new Date('2025-02-01T00:00:00Z'),
    });
    expect(saved).toEqual({
      platform: 'discord',
      kind: 'app',
      state: 'connected',
      tokenExpiresAt: new Date('2025-02-01T00:00:00Z'),
      createdAt: new Date(opened.clock.now()),
      updatedAt: new Date(opened.clock.now()),
    });
    const row = await dataSource.manager.findOneByOrFail(ConnectionEntity, { platform: 'discord' });
    expect(row.credentials).not.toContain('Bot.abc.def');
    const credentials = await connections.credentials('discord');
    expect(credentials?.reveal()).toEqual({ botToken: 'Bot.abc.def' });
    expect(JSON.stringify(credentials)).not.toContain('Bot.abc');
    expect(inspect(credentials)).not.toContain('Bot.abc');
    expect(JSON.stringify(await connections.list())).not.toContain('Bot.abc');
    expect(await connections.credentials('zoom')).toBeUndefined();
  });

  it('keeps createdAt on replace, refreshes tokens, and scrubs secrets out of errors', async () => {
    const { connections } = opened.store;
    const first = await connections.save({ platform: 'slack', kind: 'delegated', credentials: { token: 'xoxp-first' } });
    opened.clock.advance(1000);
    await connections.save({ platform: 'slack', kind: 'delegated', credentials: { token: 'xoxp-second', nested: { refresh: 'r-123456' } } });
    expect(await connections.setState('slack', 'auth_failed', new Error('token xoxp-second rejected; refresh r-123456 too'))).toBe(true);
    const failed = await connections.get('slack');
    expect(failed).toMatchObject({ state: 'auth_failed', lastError: 'token [redacted] rejected; refresh [redacted] too' });
    expect(failed?.createdAt).toEqual(first.createdAt);

    expect(await connections.updateCredentials('slack', { token: 'xoxp-third' }, new Date(5000))).toBe(true);
    expect((await connections.credentials('slack'))?.reveal()).toEqual({ token: 'xoxp-third' });
    expect((await connections.get('slack'))?.state).toBe('auth_failed');

    await connections.setState('slack', 'connected');
    expect((await connections.get('slack'))?.lastError).toBeUndefined();
    await connections.setState('slack', 'degraded', 'x'.repeat(5000));
    expect((await connections.get('slack'))?.lastError).toHaveLength(1000);
    expect(await connections.setState('zoom', 'degraded')).toBe(false);
    expect(await connections.updateCredentials('zoom', {})).toBe(false);
  });

  it('validates input and deletes', async () => {
    const { connections } = opened.store;
    await expect(connections.save({ platform: 'myspace' as never, kind: 'app', credentials: {} })).rejects.toThrow(InvalidInputError);
    await expect(connections.save({ platform: 'zoom', kind: 'robot' as never, credentials: {} })).rejects.toThrow(InvalidInputError);
    await expect(connections.setState('slack', 'sleepy' as never)).rejects.toThrow(InvalidInputError);
    await connections.save({ platform: 'zoom', kind: 'app', credentials: { clientSecret: 's' } });
    expect((await connections.list()).map((c) => c.platform)).toEqual(['discord', 'slack', 'zoom']);
    expect(await connections.delete('zoom')).toBe(true);
    expect(await connections.delete('zoom')).toBe(false);
    expect(await connections.get('zoom')).toBeUndefined();
  });

  it('without a key, opens but refuses to touch secrets', async () => {
    const keyless = await openTestStore(backend, { encryptionKey: undefined });
    try {
      await expect(keyless.store.connections.save({ platform: 'zoom', kind: 'app', credentials: {} })).rejects.toThrow(VaultKeyError);
      expect(keyless.store.keyFingerprint).toBeUndefined();
    } finally {
      await keyless.close();
    }
  });
});
