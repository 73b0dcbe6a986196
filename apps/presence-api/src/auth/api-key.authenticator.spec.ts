import { LAST_USED_RESOLUTION_MS, openStore, type PresenceStore } from '@amo/presence-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { ApiError } from '../errors/api-error';
import { ApiKeyAuthenticator } from './api-key.authenticator';

describe('ApiKeyAuthenticator: a key is verified once, then served from memory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'presence-auth-'));
  const clock = { ms: Date.UTC(2026, 0, 15, 12), now: () => clock.ms };
  let store: PresenceStore;
  let authenticator: ApiKeyAuthenticator;
  let verify: jest.SpyInstance;

  beforeAll(async () => {
    store = await openStore({ database: { type: 'sqlite', path: join(dir, 'presence.sqlite') }, clock });
  });
  beforeEach(() => {
    authenticator = new ApiKeyAuthenticator(store, { rateLimitPerMinute: 1_000_000 } as AppConfig, clock);
    verify = jest.spyOn(store.apiKeys, 'verify');
  });
  afterEach(() => verify.mockRestore());
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: ApiError) => error.status);

  it('reads the store once for many requests with the same key, and checks scopes from memory', async () => {
    const { key, info } = await store.apiKeys.create({ name: 'scheduler', scopes: ['write'] });
    for (let i = 0; i < 100; i++) expect(await authenticator.authenticate(key, 'read')).toEqual({ keyId: info.id, name: 'scheduler', scopes: ['write'] });
    expect(await authenticator.authenticate(key, 'write')).toMatchObject({ keyId: info.id });
    expect(await refusal(authenticator.authenticate(key, 'admin'))).toBe(403);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('never caches an unknown key', async () => {
    expect(await refusal(authenticator.authenticate('amo_not-a-key-0123456789', 'read'))).toBe(401);
    expect(await refusal(authenticator.authenticate('amo_not-a-key-0123456789', 'read'))).toBe(401);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('refuses a key at once after forgetKey (revocation through this instance)', async () => {
    const { key, info } = await store.apiKeys.create({ name: 'dashboard', scopes: ['read'] });
    await authenticator.authenticate(key, 'read');
    await store.apiKeys.revoke(info.id);
    authenticator.forgetKey(info.id);
    expect(await refusal(authenticator.authenticate(key, 'read'))).toBe(401);
  });

  it('verifies again after a minute: records the last use and sees a revocation made elsewhere', async () => {
    const { key, info } = await store.apiKeys.create({ name: 'other-instance', scopes: ['read'] });
    await authenticator.authenticate(key, 'read');
    const firstUse = clock.ms;
    clock.ms += LAST_USED_RESOLUTION_MS - 1;
    await authenticator.authenticate(key, 'read');
    expect(verify).toHaveBeenCalledTimes(1);
    clock.ms += 1;
    await authenticator.authenticate(key, 'read');
    expect(verify).toHaveBeenCalledTimes(2);
    const listed = (await store.apiKeys.list()).find((k) => k.id === info.id);
    expect(listed?.lastUsedAt?.getTime()).toBe(firstUse + LAST_USED_RESOLUTION_MS);
    // Revoked by another process sharing the database: this one stops accepting it at the next verification.
    await store.apiKeys.revoke(info.id);
    expect(await authenticator.authenticate(key, 'read')).toMatchObject({ keyId: info.id });
    clock.ms += LAST_USED_RESOLUTION_MS;
    expect(await refusal(authenticator.authenticate(key, 'read'))).toBe(401);
  });
});
