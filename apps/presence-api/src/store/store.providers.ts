import { openStore, type PresenceStore, VaultKeyMismatchError } from '@amo/presence-store';
import { type Clock } from '@amo/presence-core';
import { Logger, type Provider } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CLOCK } from '../presence/clock.provider';
import { ENCRYPTION_KEY_FILE, generateEncryptionKeyText, readOrCreateSecretFile } from './secret-files';

/** Start-up stops here: the configured key cannot read this database. The message says what to do, never a key. */
export class EncryptionKeyMismatchError extends Error {
  override readonly name = 'EncryptionKeyMismatchError';
}

function mismatch(config: AppConfig, error: VaultKeyMismatchError): EncryptionKeyMismatchError {
  const source = config.encryptionKey ? 'PRESENCE_ENCRYPTION_KEY' : `the key in ${config.dataDir}/${ENCRYPTION_KEY_FILE}`;
  const where = config.database.type === 'sqlite' ? config.database.path : 'the PostgreSQL database';
  return new EncryptionKeyMismatchError(
    `${source} does not match the key ${where} was encrypted with (key fingerprint ${error.actualFingerprint}, ` +
      `database ${error.expectedFingerprint}). Set PRESENCE_ENCRYPTION_KEY to the original key (or unset it to use ` +
      `${config.dataDir}/${ENCRYPTION_KEY_FILE}), or re-encrypt the database with \`npm run rotate-key\`. Nothing was changed.`,
  );
}

export const PRESENCE_STORE = Symbol('PRESENCE_STORE');

/** The encryption key from PRESENCE_ENCRYPTION_KEY, else from (or newly into) dataDir/encryption-key. */
export function resolveEncryptionKey(config: AppConfig, logger: Logger): Buffer {
  if (config.encryptionKey) return config.encryptionKey;
  const file = readOrCreateSecretFile(config.dataDir, ENCRYPTION_KEY_FILE, generateEncryptionKeyText);
  if (file.created) {
    logger.warn(`PRESENCE_ENCRYPTION_KEY is not set: created a new key in ${file.path} (mode 0600). Back it up, or set PRESENCE_ENCRYPTION_KEY.`);
  } else {
    logger.log(`PRESENCE_ENCRYPTION_KEY is not set: using the key in ${file.path}`);
  }
  return Buffer.from(file.value, 'base64');
}

export const storeProvider: Provider<PresenceStore> = {
  provide: PRESENCE_STORE,
  inject: [APP_CONFIG, CLOCK],
  useFactory: async (config: AppConfig, clock: Clock): Promise<PresenceStore> => {
    const logger = new Logger('Store');
    if (config.database.type === 'sqlite') mkdirSync(dirname(config.database.path), { recursive: true });
    const store = await openStore({
      database: config.database,
      encryptionKey: resolveEncryptionKey(config, logger),
      consentDefault: config.consentDefault,
      storeDetails: config.storeDetails,
      clock,
    }).catch((error: unknown) => {
      throw error instanceof VaultKeyMismatchError ? mismatch(config, error) : error;
    });
    logger.log(
      `${config.database.type === 'sqlite' ? `SQLite at ${config.database.path}` : 'PostgreSQL'} ready (key ${store.keyFingerprint ?? 'none'})`,
    );
    return store;
  },
};
