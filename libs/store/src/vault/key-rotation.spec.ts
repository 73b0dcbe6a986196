import { openStore } from '../open-store';
import { ConnectionEntity } from '../entities/connection.entity';
import { StoreMetaEntity } from '../entities/store-meta.entity';
import { backends, OTHER_KEY, TEST_KEY, type TestDatabase } from '../test-support/store.test-helpers';
import { keyFingerprint } from './credential-vault';
import { FINGERPRINT_META_KEY, rotateEncryptionKey } from './key-rotation';
import { VaultDecryptError, VaultKeyMismatchError } from './vault.errors';

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('vault key on $name', (backend) => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await backend.createDatabase();
    const store = await openStore({ database: database.config, encryptionKey: TEST_KEY });
    await store.connections.save({ platform: 'slack', kind: 'app', credentials: { botToken: 'xoxb-1', signingSecret: 'sig-1' } });
    await store.connections.save({ platform: 'teams', kind: 'app', credentials: { clientSecret: 'cs-1' } });
    await store.platformState.set('teams', 'subscriptions', [{ id: 'sub-1', clientState: 'client-state-1' }], { sealed: true });
    await store.close();
  });

  afterEach(async () => {
    await database.cleanup();
  });

  it('records the fingerprint and refuses to open with another key', async () => {
    await expect(openStore({ database: database.config, encryptionKey: OTHER_KEY })).rejects.toThrow(VaultKeyMismatchError);
    const store = await openStore({ database: database.config, encryptionKey: TEST_KEY });
    expect(store.keyFingerprint).toBe(keyFingerprint(TEST_KEY));
    expect((await store.connections.credentials('slack'))?.reveal()).toEqual({ botToken: 'xoxb-1', signingSecret: 'sig-1' });
    await store.close();
  });

  it('re-encrypts every value to the new key in one go', async () => {
    const store = await openStore({ database: database.config });
    const report = await rotateEncryptionKey(store.dataSource, TEST_KEY, OTHER_KEY);
    expect(report).toEqual({ connections: 2, platformStates: 1, fingerprint: keyFingerprint(OTHER_KEY) });
    await store.close();

    await expect(openStore({ database: database.config, encryptionKey: TEST_KEY })).rejects.toThrow(VaultKeyMismatchError);
    const rotated = await openStore({ database: database.config, encryptionKey: OTHER_KEY });
    expect((await rotated.connections.credentials('teams'))?.reveal()).toEqual({ clientSecret: 'cs-1' });
    expect((await rotated.platformState.get('teams', 'subscriptions'))?.value).toEqual([{ id: 'sub-1', clientState: 'client-state-1' }]);
    await rotated.close();
  });

  it('changes nothing when the old key is wrong or a value was tampered with', async () => {
    const store = await openStore({ database: database.config });
    await expect(rotateEncryptionKey(store.dataSource, OTHER_KEY, TEST_KEY)).rejects.toThrow(VaultKeyMismatchError);

    const teams = await store.dataSource.manager.findOneByOrFail(ConnectionEntity, { platform: 'teams' });
    const parts = teams.credentials.split('.');
    parts[4] = Buffer.from('forged').toString('base64url');
    await store.dataSource.manager.update(ConnectionEntity, { platform: 'teams' }, { credentials: parts.join('.') });
    await expect(rotateEncryptionKey(store.dataSource, TEST_KEY, OTHER_KEY)).rejects.toThrow(VaultDecryptError);

    const meta = await store.dataSource.manager.findOneByOrFail(StoreMetaEntity, { key: FINGERPRINT_META_KEY });
    expect(meta.value).toBe(keyFingerprint(TEST_KEY));
    await store.close();
    const reopened = await openStore({ database: database.config, encryptionKey: TEST_KEY });
    expect((await reopened.connections.credentials('slack'))?.reveal()).toEqual({ botToken: 'xoxb-1', signingSecret: 'sig-1' });
    await expect(reopened.connections.credentials('teams')).rejects.toThrow(VaultDecryptError);
    await reopened.close();
  });
});
