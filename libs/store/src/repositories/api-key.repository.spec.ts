import { InvalidInputError } from '@amo/presence-core';
import { ApiKeyEntity } from '../entities/api-key.entity';
import { backends, type OpenedTestStore, openTestStore } from '../test-support/store.test-helpers';
import { hashApiKey, hasScope, LAST_USED_RESOLUTION_MS } from './api-key.repository';

describe('hasScope', () => {
  it('orders scopes: admin includes write includes read', () => {
    expect(hasScope(['admin'], 'read')).toBe(true);
    expect(hasScope(['write'], 'write')).toBe(true);
    expect(hasScope(['write'], 'admin')).toBe(false);
    expect(hasScope(['read'], 'write')).toBe(false);
  });
});

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('ApiKeyRepository on $name', (backend) => {
  let opened: OpenedTestStore;
  beforeAll(async () => {
    opened = await openTestStore(backend);
  });
  afterAll(async () => {
    await opened.close();
  });

  it('stores only the hash and shows the key once', async () => {
    const { apiKeys, dataSource } = opened.store;
    const { key, info } = await apiKeys.create({ name: 'dashboard', scopes: ['read', 'read'] });
    expect(key).toMatch(/^amo_[A-Za-z0-9_-]{43}$/);
    expect(info).toMatchObject({ name: 'dashboard', scopes: ['read'], prefix: key.slice(0, 12) });
    const rows = await dataSource.manager.find(ApiKeyEntity);
    expect(JSON.stringify(rows)).not.toContain(key);
    expect(rows.find((row) => row.id === info.id)?.hash).toBe(hashApiKey(key));
  });

  it('verifies scope, records last use at most once a minute, and refuses revoked keys', async () => {
    const { apiKeys } = opened.store;
    const { key, info } = await apiKeys.create({ name: 'scheduler', scopes: ['write'] });
    const first = await apiKeys.verify(key, 'read');
    expect(first).toMatchObject({ status: 'valid', key: { id: info.id, lastUsedAt: new Date(opened.clock.now()) } });
    const usedAt = opened.clock.now();
    opened.clock.advance(LAST_USED_RESOLUTION_MS - 1);
    expect(await apiKeys.verify(key, 'write')).toMatchObject({ status: 'valid', key: { lastUsedAt: new Date(usedAt) } });
    opened.clock.advance(1);
    expect(await apiKeys.verify(key, 'admin')).toMatchObject({ status: 'forbidden', key: { lastUsedAt: new Date(opened.clock.now()) } });
    expect(await apiKeys.verify(key + 'x')).toEqual({ status: 'invalid' });
    expect(await apiKeys.verify('')).toEqual({ status: 'invalid' });

    expect(await apiKeys.revoke(info.id)).toBe(true);
    expect(await apiKeys.revoke(info.id)).toBe(false);
    expect(await apiKeys.verify(key)).toEqual({ status: 'invalid' });
    expect((await apiKeys.list()).find((listed) => listed.id === info.id)?.revokedAt).toEqual(new Date(opened.clock.now()));
  });

  it('registers configured keys idempotently and validates input', async () => {
    const { apiKeys } = opened.store;
    const configured = 'configured-admin-key-0123456789';
    const info = await apiKeys.register(configured, { name: 'seed admin', scopes: ['admin'] });
    expect(await apiKeys.register(configured, { name: 'again', scopes: ['read'] })).toEqual(info);
    expect(await apiKeys.verify(configured, 'admin')).toMatchObject({ status: 'valid' });
    await expect(apiKeys.register('short', { name: 'x', scopes: ['read'] })).rejects.toThrow(InvalidInputError);
    await expect(apiKeys.create({ name: '', scopes: ['read'] })).rejects.toThrow(InvalidInputError);
    await expect(apiKeys.create({ name: 'x', scopes: [] })).rejects.toThrow(InvalidInputError);
    await expect(apiKeys.create({ name: 'x', scopes: ['root' as never] })).rejects.toThrow(/unknown scope/);
    expect(await apiKeys.delete(info.id)).toBe(true);
    expect(await apiKeys.verify(configured)).toEqual({ status: 'invalid' });
  });
});
