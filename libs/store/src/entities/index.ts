import { ApiKeyEntity } from './api-key.entity';
import { AuditEntryEntity } from './audit-entry.entity';
import { ConnectionEntity } from './connection.entity';
import { IdentityLinkEntity } from './identity-link.entity';
import { OutboundEventEntity } from './outbound-event.entity';
import { PatternTimeEntity } from './pattern-time.entity';
import { PlatformStateEntity } from './platform-state.entity';
import { PreferencesEntity } from './preferences.entity';
import { SnapshotEntity } from './snapshot.entity';
import { StoreMetaEntity } from './store-meta.entity';

export * from './api-key.entity';
export * from './audit-entry.entity';
export * from './connection.entity';
export * from './identity-link.entity';
export * from './outbound-event.entity';
export * from './pattern-time.entity';
export * from './platform-state.entity';
export * from './preferences.entity';
export * from './snapshot.entity';
export * from './store-meta.entity';

export const STORE_ENTITIES = [
  ConnectionEntity,
  IdentityLinkEntity,
  PreferencesEntity,
  ApiKeyEntity,
  PlatformStateEntity,
  SnapshotEntity,
  AuditEntryEntity,
  PatternTimeEntity,
  StoreMetaEntity,
  OutboundEventEntity,
];

/** Tables that hold rows about a person, by `user_id`: what erasure and export walk. */
export const PERSON_ENTITIES = [IdentityLinkEntity, PreferencesEntity, SnapshotEntity, AuditEntryEntity, PatternTimeEntity, OutboundEventEntity];
