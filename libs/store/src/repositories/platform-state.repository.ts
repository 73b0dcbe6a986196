import { parsePlatform, type Platform } from '@amo/presence-core';
import { PlatformStateEntity, type PlatformStateRow } from '../entities/platform-state.entity';
import { requireVault, type StoreContext, toDate, toMs } from '../store-context';
import { vaultContext } from '../vault/credential-vault';
import { SecretValue } from '../vault/secret-value';

/** The envelope format written today; readers accept it and the bare values written before it (version 0). */
export const PLATFORM_STATE_VERSION = 1;

/** One keyed piece of a platform's resumable state, as the platform's adapter wiring saved it. */
export interface PlatformStateEntry<T = unknown> {
  platform: Platform;
  key: string;
  value: T;
  /** 1 for values written in the `{v, value}` envelope, 0 for a bare value written by an earlier version. */
  version: number;
  /** True when the value is stored sealed by the vault (read back decrypted). */
  sealed: boolean;
  expiresAt?: Date;
  updatedAt: Date;
}

export interface SetPlatformStateOptions {
  expiresAt?: Date;
  /** Seal the whole value with the vault (state holding a secret, such as a Graph subscription's clientState). */
  sealed?: boolean;
}

/** What the `value` column holds from version 1 on; a sealed value lives in the `secret` column instead. */
interface Envelope {
  v: number;
  value?: unknown;
  sealed?: true;
}

function envelopeOf(stored: unknown): Envelope | undefined {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return undefined;
  const candidate = stored as Partial<Envelope>;
  const keys = Object.keys(candidate);
  const shaped = keys.length === 2 && ('value' in candidate || candidate.sealed === true);
  return candidate.v === PLATFORM_STATE_VERSION && shaped ? (candidate as Envelope) : undefined;
}

/**
 * Platform session state (Discord gateway sessions, Graph subscriptions, cursors) as opaque, versioned JSON
 * per (platform, key): the store knows no platform's shapes, the adapter wiring that saved a value reads it.
 * Values are written as `{v: 1, value}`; a row written before the envelope (a bare value) still loads, as
 * version 0, so a stored Discord session or Teams subscription survives the upgrade.
 */
export class PlatformStateRepository {
  constructor(private readonly context: StoreContext) {}

  async get<T = unknown>(platform: Platform, key: string): Promise<PlatformStateEntry<T> | undefined> {
    const row = await this.context.db.read((manager) => manager.findOneBy(PlatformStateEntity, { platform, key }));
    return row ? this.toEntry<T>(row) : undefined;
  }

  /** Replaces the value under (platform, key). */
  async set<T>(platform: Platform, key: string, value: T, options: SetPlatformStateOptions = {}): Promise<void> {
    const parsed = parsePlatform(platform);
    const sealed = options.sealed === true;
    const row: PlatformStateRow = {
      platform: parsed,
      key,
      value: sealed ? { v: PLATFORM_STATE_VERSION, sealed: true } : { v: PLATFORM_STATE_VERSION, value },
      secret: sealed ? requireVault(this.context).encrypt(JSON.stringify(value), vaultContext.platformState(parsed, key)) : null,
      expiresAt: toMs(options.expiresAt),
      updatedAt: this.context.clock.now(),
    };
    await this.context.db.write((manager) => manager.save(PlatformStateEntity, row));
  }

  /** Every entry of a platform in key order, optionally only keys starting with `prefix`. */
  async list<T = unknown>(platform: Platform, prefix = ''): Promise<PlatformStateEntry<T>[]> {
    const rows = await this.context.db.read((manager) =>
      manager.find(PlatformStateEntity, { where: { platform }, order: { key: 'ASC' } }),
    );
    return rows.filter((row) => row.key.startsWith(prefix)).map((row) => this.toEntry<T>(row));
  }

  /** Deletes one entry, or every entry of the platform when key is omitted; returns how many went. */
  async delete(platform: Platform, key?: string): Promise<number> {
    const where = key === undefined ? { platform } : { platform, key };
    const result = await this.context.db.write((manager) => manager.delete(PlatformStateEntity, where));
    return result.affected ?? 0;
  }

  /**
   * The side secret of a version-0 row (written by the removed `saveGraphSubscription`, beside its bare value),
   * wrapped against accidental logging. Version 1 seals the whole value instead (`sealed`).
   */
  async secretOf(platform: Platform, key: string): Promise<SecretValue<string> | undefined> {
    const row = await this.context.db.read((manager) => manager.findOneBy(PlatformStateEntity, { platform, key }));
    if (!row || row.secret === null || envelopeOf(row.value) !== undefined) return undefined;
    return new SecretValue(this.decrypt(row));
  }

  private toEntry<T>(row: PlatformStateRow): PlatformStateEntry<T> {
    const envelope = envelopeOf(row.value);
    const sealed = envelope?.sealed === true;
    const value = sealed ? JSON.parse(this.decrypt(row)) : envelope ? envelope.value : row.value;
    const entry: PlatformStateEntry<T> = {
      platform: row.platform as Platform,
      key: row.key,
      value: value as T,
      version: envelope ? envelope.v : 0,
      sealed,
      updatedAt: new Date(row.updatedAt),
    };
    const expires = toDate(row.expiresAt);
    if (expires) entry.expiresAt = expires;
    return entry;
  }

  private decrypt(row: PlatformStateRow): string {
    return requireVault(this.context).decrypt(row.secret ?? '', vaultContext.platformState(row.platform, row.key));
  }
}
