import type { Platform } from './platform';
import type { PresenceStatus } from './status';

/** Per-device status where the platform reports it (Discord client_status). */
export type DeviceStatuses = Partial<Record<'desktop' | 'mobile' | 'web' | 'vr', PresenceStatus>>;

/**
 * What an adapter reports for one platform account: platform ids only, no person ids.
 * The aggregator maps `accountId` to a person through the identity directory.
 */
export interface PlatformPresence {
  platform: Platform;
  /** The platform's own id: Discord snowflake, Slack U-id, Entra object id, Zoom id, wa_id, LinkedIn URN. */
  accountId: string;
  status: PresenceStatus;
  /** The native value as the platform sent it, for display and debugging. */
  rawStatus?: string;
  activity?: string;
  customMessage?: string;
  /** When the person was last seen active; the only signal inferred platforms have. */
  lastSeen?: Date;
  /** When the platform observed this state (event time for pushes, read time for polls). */
  observedAt: Date;
  devices?: DeviceStatuses;
  /** When the platform says this status ends (timed Do Not Disturb, Slack status expiration). */
  expiresAt?: Date;
  /** The source's own ordering stamp (Graph sequenceNumber); an older stamp never overwrites a newer one. */
  sequence?: string;
  /**
   * Where `sequence` counts from: a subscription, connection or run. Sequences are compared only within one
   * scope (platforms reset them); across scopes, and against a record restored from disk, times decide.
   */
  sequenceScope?: string;
  /** True when the native value was not in the platform's table (normalized to unknown and counted). */
  unrecognized?: boolean;
}

/** The seed's PresenceData: one person's presence on one platform. */
export interface PresenceData {
  userId: string;
  platform: Platform;
  status: PresenceStatus;
  lastSeen?: Date;
  lastUpdated: Date;
  rawStatus?: string;
  activity?: string;
  customMessage?: string;
  devices?: DeviceStatuses;
  expiresAt?: Date;
  sequence?: string;
  sequenceScope?: string;
}
