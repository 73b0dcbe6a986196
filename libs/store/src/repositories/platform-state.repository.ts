import { parsePlatform, type Platform } from '@amo/presence-core';
import { PlatformStateEntity, type PlatformStateRow } from '../entities/platform-state.entity';
import { requireVault, type StoreContext, toDate, toMs } from '../store-context';
import { vaultContext } from '../vault/credential-vault';
import { SecretValue } from '../vault/secret-value';

/** One keyed piece of a platform's resumable state. */
export interface PlatformStateEntry<T = unknown> {
  platform: Platform;
  key: string;
  value: T;
  /** True when a sealed secret is stored beside the value (read it with `secretOf`). */
  hasSecret: boolean;
  expiresAt?: Date;
  updatedAt: Date;
}

export interface SetPlatformStateOptions {
  expiresAt?: Date;
  /** Stored sealed by the vault, never in `value` (e.g. a Graph subscription's clientState). */
  secret?: string;
}

/** A Microsoft Graph presence subscription, so a restart renews it instead of creating a new one. */
export interface GraphSubscriptionInput {
  id: string;
  resource: string;
  expiresAt: Date;
  /** The secret Graph echoes in each notification; sealed at rest. */
  clientState: string;
}
export interface GraphSubscriptionState extends Omit<GraphSubscriptionInput, 'clientState'> {
  clientState: SecretValue<string>;
}

/** A Discord gateway session, so a restart RESUMEs instead of re-IDENTIFYing. */
export interface DiscordSessionState {
  shardId: number;
  sessionId: string;
  /** The last dispatch sequence number seen (`s`), null before the first. */
  sequence: number | null;
  resumeGatewayUrl: string;
}

const GRAPH_PREFIX = 'graph-subscription:';
const DISCORD_PREFIX = 'discord-session:';

function toEntry<T>(row: PlatformStateRow): PlatformStateEntry<T> {
  const entry: PlatformStateEntry<T> = {
    platform: row.platform as Platform,
    key: row.key,
    value: row.value as T,
    hasSecret: row.secret !== null,
    updatedAt: new Date(row.updatedAt),
  };
  const expires = toDate(row.expiresAt);
  if (expires) entry.expiresAt = expires;
  return entry;
}

/**
 * Subscription and session state as a generic (platform, key) -> JSON table, with typed helpers for the two
 * push platforms that need it. Values are not secret; anything secret goes in the sealed `secret` column.
 */
export class PlatformStateRepository {
  constructor(private readonly context: StoreContext) {}

  async get<T = unknown>(platform: Platform, key: string): Promise<PlatformStateEntry<T> | undefined> {
    const row = await this.context.db.read((manager) => manager.findOneBy(PlatformStateEntity, { platform, key }));
    return row ? toEntry<T>(row) : undefined;
  }

  async set<T>(platform: Platform, key: string, value: T, options: SetPlatformStateOptions = {}): Promise<void> {
    const parsed = parsePlatform(platform);
    const secret =
      options.secret === undefined
        ? null
        : requireVault(this.context).encrypt(options.secret, vaultContext.platformState(parsed, key));
    const row: PlatformStateRow = {
      platform: parsed,
      key,
      value,
      secret,
      expiresAt: toMs(options.expiresAt),
      updatedAt: this.context.clock.now(),
    };
    await this.context.db.write((manager) => manager.save(PlatformStateEntity, row));
  }

  /** The decrypted secret stored with an entry, wrapped against accidental logging. */
  async secretOf(platform: Platform, key: string): Promise<SecretValue<string> | undefined> {
    const row = await this.context.db.read((manager) => manager.findOneBy(PlatformStateEntity, { platform, key }));
    if (!row || row.secret === null) return undefined;
    return new SecretValue(requireVault(this.context).decrypt(row.secret, vaultContext.platformState(platform, key)));
  }

  /** Every entry of a platform, optionally only keys starting with `prefix`. */
  async list<T = unknown>(platform: Platform, prefix = ''): Promise<PlatformStateEntry<T>[]> {
    const rows = await this.context.db.read((manager) =>
      manager.find(PlatformStateEntity, { where: { platform }, order: { key: 'ASC' } }),
    );
    return rows.filter((row) => row.key.startsWith(prefix)).map((row) => toEntry<T>(row));
  }

  /** Deletes one entry, or every entry of the platform when key is omitted. */
  async delete(platform: Platform, key?: string): Promise<number> {
    const where = key === undefined ? { platform } : { platform, key };
    const result = await this.context.db.write((manager) => manager.delete(PlatformStateEntity, where));
    return result.affected ?? 0;
  }

  async saveGraphSubscription(subscription: GraphSubscriptionInput): Promise<void> {
    const { clientState, ...rest } = subscription;
    await this.set('teams', GRAPH_PREFIX + subscription.id, { ...rest, expiresAt: rest.expiresAt.toISOString() }, {
      expiresAt: subscription.expiresAt,
      secret: clientState,
    });
  }

  async graphSubscriptions(): Promise<GraphSubscriptionState[]> {
    const entries = await this.list<{ id: string; resource: string; expiresAt: string }>('teams', GRAPH_PREFIX);
    const subscriptions: GraphSubscriptionState[] = [];
    for (const entry of entries) {
      const clientState = await this.secretOf('teams', entry.key);
      subscriptions.push({
        id: entry.value.id,
        resource: entry.value.resource,
        expiresAt: new Date(entry.value.expiresAt),
        clientState: clientState ?? new SecretValue(''),
      });
    }
    return subscriptions;
  }

  async deleteGraphSubscription(id: string): Promise<boolean> {
    return (await this.delete('teams', GRAPH_PREFIX + id)) > 0;
  }

  async saveDiscordSession(session: DiscordSessionState): Promise<void> {
    await this.set('discord', DISCORD_PREFIX + session.shardId, session);
  }

  async discordSession(shardId = 0): Promise<DiscordSessionState | undefined> {
    return (await this.get<DiscordSessionState>('discord', DISCORD_PREFIX + shardId))?.value;
  }

  /** After an INVALID_SESSION that cannot be resumed. */
  async clearDiscordSession(shardId = 0): Promise<boolean> {
    return (await this.delete('discord', DISCORD_PREFIX + shardId)) > 0;
  }
}
