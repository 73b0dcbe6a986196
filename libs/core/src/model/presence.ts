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

/** The fields of a reading that make it a change: what a listener is shown, not when it was read. */
export type ChangeFields = Pick<PlatformPresence, 'status' | 'activity' | 'customMessage' | 'devices'>;

/**
 * The one rule for "this reading changed something" (core's ingest and any adapter that de-duplicates before
 * the sink use it, so both agree). A change is a new status, activity, custom message or per-device status:
 * devices count because listeners are handed the record with its devices, and a person moving from desktop
 * to phone ("on mobile") is news to a client that shows it. Times (`observedAt`, `lastSeen`, `expiresAt`),
 * ordering stamps and `rawStatus` (a native spelling of the same normalized status) are not changes.
 * Field by field, without allocating: it runs once per accepted reading.
 */
export function isPresenceChange(before: ChangeFields | undefined, after: ChangeFields): boolean {
  return (
    before === undefined ||
    before.status !== after.status ||
    before.activity !== after.activity ||
    before.customMessage !== after.customMessage ||
    !sameDevices(before.devices, after.devices)
  );
}

function sameDevices(a: DeviceStatuses | undefined, b: DeviceStatuses | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return a.desktop === b.desktop && a.mobile === b.mobile && a.web === b.web && a.vr === b.vr;
}
