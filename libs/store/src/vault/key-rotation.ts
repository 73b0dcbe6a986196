import type { DataSource, EntityManager } from 'typeorm';
import { ConnectionEntity } from '../entities/connection.entity';
import { PlatformStateEntity } from '../entities/platform-state.entity';
import { StoreMetaEntity } from '../entities/store-meta.entity';
import { CredentialVault, type EncryptionKeyInput, vaultContext } from './credential-vault';
import { VaultKeyMismatchError } from './vault.errors';

export const FINGERPRINT_META_KEY = 'vault.key_fingerprint';

async function storedFingerprint(manager: EntityManager): Promise<string | undefined> {
  const row = await manager.findOneBy(StoreMetaEntity, { key: FINGERPRINT_META_KEY });
  return row?.value;
}

/**
 * Called at start: records the key's fingerprint on first use, and throws {@link VaultKeyMismatchError}
 * when the database was sealed with a different key, before anything is read or written with it.
 */
export async function checkVaultKey(manager: EntityManager, vault: CredentialVault): Promise<void> {
  const stored = await storedFingerprint(manager);
  if (stored === undefined) {
    await manager.save(StoreMetaEntity, { key: FINGERPRINT_META_KEY, value: vault.fingerprint });
    return;
  }
  if (stored !== vault.fingerprint) throw new VaultKeyMismatchError(stored, vault.fingerprint);
}

/** What a rotation re-encrypted. */
export interface RotationReport {
  connections: number;
  platformStates: number;
  fingerprint: string;
}

/**
 * Re-encrypts every sealed value (connection credentials, platform-state secrets) from `oldKey` to `newKey`
 * and records the new fingerprint, in one transaction: on any failure (wrong old key, a tampered value)
 * nothing changes. Run it with the service stopped; the service then starts with the new key.
 */
export async function rotateEncryptionKey(
  dataSource: DataSource,
  oldKey: EncryptionKeyInput,
  newKey: EncryptionKeyInput,
): Promise<RotationReport> {
  const from = new CredentialVault(oldKey);
  const to = new CredentialVault(newKey);
  return dataSource.transaction(async (manager) => {
    const stored = await storedFingerprint(manager);
    if (stored !== undefined && stored !== from.fingerprint) throw new VaultKeyMismatchError(stored, from.fingerprint);
    const connections = await manager.find(ConnectionEntity);
    for (const row of connections) {
      const context = vaultContext.connection(row.platform);
      row.credentials = to.encrypt(from.decrypt(row.credentials, context), context);
      await manager.update(ConnectionEntity, { platform: row.platform }, { credentials: row.credentials });
    }
    const states = (await manager.find(PlatformStateEntity)).filter((row) => row.secret !== null);
    for (const row of states) {
      const context = vaultContext.platformState(row.platform, row.key);
      const secret = to.encrypt(from.decrypt(row.secret as string, context), context);
      await manager.update(PlatformStateEntity, { platform: row.platform, key: row.key }, { secret });
    }
    await manager.save(StoreMetaEntity, { key: FINGERPRINT_META_KEY, value: to.fingerprint });
    return { connections: connections.length, platformStates: states.length, fingerprint: to.fingerprint };
  });
}
