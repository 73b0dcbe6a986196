import { InvalidInputError, parsePlatform, type Platform } from '@amo/presence-core';
import { ConnectionEntity, type ConnectionRow } from '../entities/connection.entity';
import { requireVault, type StoreContext, toDate, toMs } from '../store-context';
import { vaultContext } from '../vault/credential-vault';
import { SecretValue } from '../vault/secret-value';

/** App-only (client credentials, bot token) or delegated (a user's OAuth grant). */
export type ConnectionKind = 'app' | 'delegated';
export const CONNECTION_KINDS: readonly ConnectionKind[] = ['app', 'delegated'];

/** How the platform connection is doing, as the service last saw it. */
export type PlatformConnectionState = 'connected' | 'degraded' | 'auth_failed';
export const PLATFORM_CONNECTION_STATES: readonly PlatformConnectionState[] = ['connected', 'degraded', 'auth_failed'];

/** A stored connection without its credentials: safe to log and to return from the API. */
export interface PlatformConnection {
  platform: Platform;
  kind: ConnectionKind;
  state: PlatformConnectionState;
  lastError?: string;
  tokenExpiresAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface SaveConnectionInput {
  platform: Platform;
  kind: ConnectionKind;
  /** The adapter's credential record (tokens, client secrets...); encrypted before it is written. */
  credentials: Readonly<Record<string, unknown>>;
  tokenExpiresAt?: Date;
  state?: PlatformConnectionState;
}

const MAX_ERROR_LENGTH = 1000;
const MIN_SCRUB_LENGTH = 4;

function toConnection(row: ConnectionRow): PlatformConnection {
  const connection: PlatformConnection = {
    platform: row.platform as Platform,
    kind: row.kind as ConnectionKind,
    state: row.state as PlatformConnectionState,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  };
  if (row.lastError !== null) connection.lastError = row.lastError;
  const expires = toDate(row.tokenExpiresAt);
  if (expires) connection.tokenExpiresAt = expires;
  return connection;
}

/** Every string inside a credential record, so an error message quoting one can be scrubbed. */
function secretStrings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string' && value.length >= MIN_SCRUB_LENGTH) into.push(value);
  else if (value && typeof value === 'object') for (const inner of Object.values(value)) secretStrings(inner, into);
  return into;
}

/** Platform connections (one per platform), with credentials sealed by the vault. */
export class ConnectionRepository {
  constructor(private readonly context: StoreContext) {}

  /** Creates or replaces the platform's connection; a new credential set starts `connected` with no error. */
  async save(input: SaveConnectionInput): Promise<PlatformConnection> {
    const platform = parsePlatform(input.platform);
    if (!CONNECTION_KINDS.includes(input.kind)) throw new InvalidInputError(`kind must be one of ${CONNECTION_KINDS.join(', ')}`);
    const sealed = requireVault(this.context).sealJson(input.credentials, vaultContext.connection(platform));
    const now = this.context.clock.now();
    return this.context.db.write(async (manager) => {
      const existing = await manager.findOneBy(ConnectionEntity, { platform });
      const row: ConnectionRow = {
        platform,
        kind: input.kind,
        credentials: sealed,
        state: input.state ?? 'connected',
        lastError: null,
        tokenExpiresAt: toMs(input.tokenExpiresAt),
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await manager.save(ConnectionEntity, row);
      return toConnection(row);
    });
  }

  async get(platform: Platform): Promise<PlatformConnection | undefined> {
    const row = await this.context.db.read((manager) => manager.findOneBy(ConnectionEntity, { platform }));
    return row ? toConnection(row) : undefined;
  }

  async list(): Promise<PlatformConnection[]> {
    const rows = await this.context.db.read((manager) => manager.find(ConnectionEntity, { order: { platform: 'ASC' } }));
    return rows.map(toConnection);
  }

  /** The decrypted credentials, wrapped so they cannot be logged by accident; `reveal()` to use them. */
  async credentials(platform: Platform): Promise<SecretValue<Record<string, unknown>> | undefined> {
    const row = await this.context.db.read((manager) => manager.findOneBy(ConnectionEntity, { platform }));
    if (!row) return undefined;
    const vault = requireVault(this.context);
    return new SecretValue(vault.openJson<Record<string, unknown>>(row.credentials, vaultContext.connection(platform)));
  }

  /** After a token refresh: new credentials and expiry, state and error kept. Returns false if none is stored. */
  async updateCredentials(platform: Platform, credentials: Readonly<Record<string, unknown>>, tokenExpiresAt?: Date): Promise<boolean> {
    const sealed = requireVault(this.context).sealJson(credentials, vaultContext.connection(platform));
    const result = await this.context.db.write((manager) =>
      manager.update(
        ConnectionEntity,
        { platform },
        { credentials: sealed, tokenExpiresAt: toMs(tokenExpiresAt), updatedAt: this.context.clock.now() },
      ),
    );
    return (result.affected ?? 0) > 0;
  }

  /**
   * Records the connection's state and last error. Any credential value quoted in the error text is
   * replaced by `[redacted]` before it is written, so a chatty upstream error cannot leak a token.
   */
  async setState(platform: Platform, state: PlatformConnectionState, error?: string | Error): Promise<boolean> {
    if (!PLATFORM_CONNECTION_STATES.includes(state)) {
      throw new InvalidInputError(`state must be one of ${PLATFORM_CONNECTION_STATES.join(', ')}`);
    }
    return this.context.db.write(async (manager) => {
      const row = await manager.findOneBy(ConnectionEntity, { platform });
      if (!row) return false;
      let lastError: string | null = null;
      if (error !== undefined) {
        lastError = typeof error === 'string' ? error : error.message;
        if (this.context.vault) {
          const secrets = secretStrings(this.context.vault.openJson(row.credentials, vaultContext.connection(platform)));
          for (const secret of secrets) lastError = lastError.split(secret).join('[redacted]');
        }
        lastError = lastError.slice(0, MAX_ERROR_LENGTH);
      }
      await manager.update(ConnectionEntity, { platform }, { state, lastError, updatedAt: this.context.clock.now() });
      return true;
    });
  }

  async delete(platform: Platform): Promise<boolean> {
    const result = await this.context.db.write((manager) => manager.delete(ConnectionEntity, { platform }));
    return (result.affected ?? 0) > 0;
  }
}
