import type { Clock } from '@amo/presence-core';
import type { StoreDb } from './store-db';
import type { CredentialVault } from './vault/credential-vault';
import { VaultKeyError } from './vault/vault.errors';

/** What every repository shares; built once by `openStore`. */
export interface StoreContext {
  db: StoreDb;
  clock: Clock;
  vault?: CredentialVault;
  /** Monitoring consent when a person has not said (`PRESENCE_CONSENT_DEFAULT`). */
  consentDefault: boolean;
  /** Whether activity, custom message, raw status and devices go to disk (`PRESENCE_STORE_DETAILS`). */
  storeDetails: boolean;
}

export function requireVault(context: StoreContext): CredentialVault {
  if (!context.vault) throw new VaultKeyError('no encryption key is configured, so secrets cannot be stored or read');
  return context.vault;
}

export function toDate(ms: number | null | undefined): Date | undefined {
  return ms === null || ms === undefined ? undefined : new Date(ms);
}

export function toMs(value: Date | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : value.getTime();
}
