export { openStore, type PresenceStore, type StoreOptions } from './open-store';
export { countStoredConnections } from './stored-connections';
export { checkIntegrity, type IntegrityReport } from './integrity';
export { createDataSource, initializeDataSource, applySqlitePragmas, type DatabaseConfig, DEFAULT_BUSY_TIMEOUT_MS, MIGRATIONS_TABLE } from './data-source';
export { STORE_ENTITIES } from './entities';
export { STORE_MIGRATIONS } from './migrations';
export type { Page, PageRequest } from './paging';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './paging';
export * from './repositories/connection.repository';
export * from './repositories/identity.repository';
export {
  IdentityBatchConflictError,
  type IdentityBatchConflict,
  type IdentityBatchEntry,
  type IdentityBatchResult,
} from './repositories/identity-batch';
export {
  PreferencesRepository,
  type PreferencesSaveResult,
  normalizePreferences,
} from './repositories/preferences.repository';
export * from './repositories/api-key.repository';
export * from './repositories/platform-state.repository';
export { SnapshotRepository, type SnapshotEntry, type SnapshotRestoreTarget } from './repositories/snapshot.repository';
export {
  AuditRepository,
  type AuditEntry,
  type AuditRecord,
  type AuditQuery,
  DEFAULT_AUDIT_RETENTION_DAYS,
} from './repositories/audit.repository';
export { PatternRepository, type AvailabilityPattern, type HourOfWeekPattern } from './repositories/pattern.repository';
export {
  OutboundEventRepository,
  type OutboundEvent,
  type OutboundEventInput,
} from './repositories/outbound-event.repository';
export { PresenceBatchWriter, type BatchFlushResult, type BatchOptions } from './presence-batch';
export { PersonDataService, type ErasureReport, type PersonExport, type PersonSummary } from './person-data.service';
export {
  CredentialVault,
  type EncryptionKeyInput,
  generateEncryptionKey,
  keyFingerprint,
  parseEncryptionKey,
} from './vault/credential-vault';
export { SecretValue } from './vault/secret-value';
export { VaultDecryptError, VaultKeyError, VaultKeyMismatchError } from './vault/vault.errors';
export { rotateEncryptionKey, type RotationReport } from './vault/key-rotation';
export { runRotateKeyCli, type RotateKeyCliIo, ROTATE_KEY_USAGE } from './cli/rotate-key.cli';
