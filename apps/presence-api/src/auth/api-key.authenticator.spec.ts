import { LAST_USED_RESOLUTION_MS, openStore, type PresenceStore } from '@amo/presence-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppConfig, DEFAULT_TUNING } from '../config/app-config';
import { ApiError } from '../errors/api-error';
import { type Authenticated, ApiKeyAuthenticator } from './api-key.authenticator';

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
    authenticator = new ApiKeyAuthenticator(store, { rateLimitPerMinute: 1_000_000, tuning: DEFAULT_TUNING } as AppConfig, clock);
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
    for (let i = 0; i < 100; i++) expect((await authenticator.authenticate(key, 'read')).principal).toEqual({ keyId: info.id, name: 'scheduler', scopes: ['write'] });
    expect((await authenticator.authenticate(key, 'write')).principal).toMatchObject({ keyId: info.id });
    expect(await refusal(authenticator.authenticate(key, 'admin'))).toBe(403);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('answers a known key at once in one process (the guard awaits nothing), a key to verify with a promise', async () => {
    const { key, info } = await store.apiKeys.create({ name: 'dashboard', scopes: ['read'] });
    const first = authenticator.check(key, 'read');
    expect(first).toBeInstanceOf(Promise);
    expect((await first).principal.keyId).toBe(info.id);
    const known = authenticator.check(key, 'read');
    expect(known).not.toBeInstanceOf(Promise);
    expect((known as Authenticated).principal.keyId).toBe(info.id);
    expect(() => authenticator.check(key, 'admin')).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => authenticator.check(undefined, 'read')).toThrow(expect.objectContaining({ status: 401 }));
    // Past the verification interval the key is checked against the store again: a promise.
    clock.ms += LAST_USED_RESOLUTION_MS;
    expect(authenticator.check(key, 'read')).toBeInstanceOf(Promise);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('never caches an unknown key', async () => {
    expect(await refusal(authenticator.authenticate('amo_not-a-key-0123456789', 'read'))).toBe(401);
    expect(await refusal(authenticator.authenticate('amo_not-a-key-0123456789', 'read'))).toBe(401);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('throttles failed keys per source address: 429 without a store read, other addresses and known keys unaffected', async () => {
    const throttled = new ApiKeyAuthenticator(store, { rateLimitPerMinute: 1_000_000, tuning: { ...DEFAULT_TUNING, authFailuresPerMinute: 5 } } as AppConfig, clock);
    const { key } = await store.apiKeys.create({ name: 'good', scopes: ['read'] });
    await throttled.authenticate(key, 'read', '10.0.0.1');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await refusal(throttled.authenticate(`amo_guess-${i}-0000000000000000`, 'read', '10.0.0.1'))) as number);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(verify).toHaveBeenCalledTimes(6);
    const error = await throttled.authenticate('amo_guess-x-0000000000000000', 'read', '10.0.0.1').catch((e: ApiError) => e);
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED', headers: { 'Retry-After': '12' } });
    // A key already verified still works from there; a good key from another address never noticed.
    expect((await throttled.authenticate(key, 'read', '10.0.0.1')).principal.name).toBe('good');
    expect(await refusal(throttled.authenticate('amo_guess-y-0000000000000000', 'read', '10.0.0.2'))).toBe(401);
    clock.ms += 12_000;
    expect(await refusal(throttled.authenticate('amo_guess-z-0000000000000000', 'read', '10.0.0.1'))).toBe(401);
  });

  it('reports the key\'s rate state, and puts it on a 403', async () => {
    const limited = new ApiKeyAuthenticator(store, { rateLimitPerMinute: 60, tuning: DEFAULT_TUNING } as AppConfig, clock);
    const { key } = await store.apiKeys.create({ name: 'reader', scopes: ['read'] });
    expect((await limited.authenticate(key, 'read')).rate).toEqual({ limit: 60, remaining: 59, resetSeconds: 1, retryAfterSeconds: 0 });
    const forbidden = await limited.authenticate(key, 'admin').catch((e: ApiError) => e);
    expect(forbidden).toMatchObject({ status: 403, headers: { 'RateLimit-Limit': '60', 'RateLimit-Remaining': '58', 'RateLimit-Reset': '2' } });
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
    expect((await authenticator.authenticate(key, 'read')).principal).toMatchObject({ keyId: info.id });
    clock.ms += LAST_USED_RESOLUTION_MS;
    expect(await refusal(authenticator.authenticate(key, 'read'))).toBe(401);
  });
});
