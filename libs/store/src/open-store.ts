import { type Clock, systemClock } from '@amo/presence-core';
import type { DataSource } from 'typeorm';
import { createDataSource, type DatabaseConfig, initializeDataSource, openSqliteReader } from './data-source';
import { PersonDataService } from './person-data.service';
import { type BatchOptions, PresenceBatchWriter } from './presence-batch';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { AuditRepository } from './repositories/audit.repository';
import { ConnectionRepository } from './repositories/connection.repository';
import { IdentityRepository } from './repositories/identity.repository';
import { OutboundEventRepository } from './repositories/outbound-event.repository';
import { PatternRepository } from './repositories/pattern.repository';
import { PlatformStateRepository } from './repositories/platform-state.repository';
import { PreferencesRepository } from './repositories/preferences.repository';
import { SnapshotRepository } from './repositories/snapshot.repository';
import type { StoreContext } from './store-context';
import { StoreDb } from './store-db';
import { CredentialVault, type EncryptionKeyInput } from './vault/credential-vault';
import { checkVaultKey } from './vault/key-rotation';

/** Everything `openStore` needs; the app reads it from its configuration and passes it in. */
export interface StoreOptions {
  database: DatabaseConfig;
  /**
   * `PRESENCE_ENCRYPTION_KEY`: base64 of 32 bytes. Without it the store opens, but saving or reading
   * credentials and platform-state secrets throws `VaultKeyError`. A key that differs from the one the
   * database was sealed with makes `openStore` throw `VaultKeyMismatchError`.
   */
  encryptionKey?: EncryptionKeyInput;
  /** `PRESENCE_CONSENT_DEFAULT`: consent for people who have not said (default true). */
  consentDefault?: boolean;
  /** `PRESENCE_STORE_DETAILS`: also keep raw status, activity, custom message and devices (default false). */
  storeDetails?: boolean;
  clock?: Clock;
}

/** The opened store: one repository per concern, plus the batch writer for the poll loop. */
export interface PresenceStore {
  readonly dataSource: DataSource;
  readonly connections: ConnectionRepository;
  readonly identities: IdentityRepository;
  readonly preferences: PreferencesRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly platformState: PlatformStateRepository;
  readonly snapshots: SnapshotRepository;
  readonly audit: AuditRepository;
  readonly patterns: PatternRepository;
  readonly personData: PersonDataService;
  /** The durable queue of signed outbound webhook deliveries. */
  readonly outbound: OutboundEventRepository;
  /** The key's fingerprint (safe to log), or undefined when no key is configured. */
  readonly keyFingerprint?: string;
  /** A new writer that collects one poll's snapshots, audit entries and pattern time for one transaction. */
  createBatch(options?: BatchOptions): PresenceBatchWriter;
  close(): Promise<void>;
}

/**
 * Connects, runs pending migrations, checks the encryption key against the stored fingerprint, and returns
 * the repositories. Throws (and closes the connection) if the key does not match.
 */
export async function openStore(options: StoreOptions): Promise<PresenceStore> {
  const vault = options.encryptionKey === undefined ? undefined : new CredentialVault(options.encryptionKey);
  const config = options.database;
  const dataSource = await initializeDataSource(createDataSource(config), config);
  let db = new StoreDb(dataSource);
  try {
    if (vault) await db.write((manager) => checkVaultKey(manager, vault));
    if (config.type === 'sqlite') db = new StoreDb(dataSource, await openSqliteReader(dataSource, config.busyTimeoutMs));
  } catch (error) {
    await db.close();
    throw error;
  }
  const context: StoreContext = {
    db,
    clock: options.clock ?? systemClock,
    vault,
    consentDefault: options.consentDefault ?? true,
    storeDetails: options.storeDetails ?? false,
  };
  return {
    dataSource,
    connections: new ConnectionRepository(context),
    identities: new IdentityRepository(context),
    preferences: new PreferencesRepository(context),
    apiKeys: new ApiKeyRepository(context),
    platformState: new PlatformStateRepository(context),
    snapshots: new SnapshotRepository(context),
    audit: new AuditRepository(context),
    patterns: new PatternRepository(context),
    personData: new PersonDataService(context),
    outbound: new OutboundEventRepository(context),
    keyFingerprint: vault?.fingerprint,
    createBatch: (batchOptions) => new PresenceBatchWriter(context, batchOptions),
    close: () => db.close(),
  };
}
