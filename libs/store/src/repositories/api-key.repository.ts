import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { InvalidInputError, validateId } from '@amo/presence-core';
import { IsNull } from 'typeorm';
import { ApiKeyEntity, type ApiKeyRow } from '../entities/api-key.entity';
import { type StoreContext, toDate } from '../store-context';

/** read: presence and availability; write: identities and preferences; admin: connections, keys, erasure. */
export type ApiKeyScope = 'read' | 'write' | 'admin';
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ['read', 'write', 'admin'];

/** A stored key without its secret. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  /** The key's first characters, to recognise it in a list. */
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  lastUsedAt?: Date;
  revokedAt?: Date;
}

/** `valid`: known, not revoked, has the scope. `forbidden`: known but lacks the scope (403). `invalid`: 401. */
export type ApiKeyVerification =
  | { status: 'valid'; key: ApiKeyInfo }
  | { status: 'forbidden'; key: ApiKeyInfo }
  | { status: 'invalid' };

const KEY_PREFIX = 'amo_';
const PREFIX_LENGTH = 12;
const MAX_KEY_LENGTH = 512;
/** A key's name follows core's id rule (printable, no control characters), shorter. */
export const MAX_KEY_NAME_LENGTH = 128;
/** Last use is written at most this often per key, so a busy client does not turn every read into a write. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const RANK: Record<ApiKeyScope, number> = { read: 1, write: 2, admin: 3 };

/** Scopes are ordered: admin includes write, write includes read. */
export function hasScope(scopes: readonly ApiKeyScope[], required: ApiKeyScope): boolean {
  return scopes.some((scope) => RANK[scope] >= RANK[required]);
}

/**
 * SHA-256 is enough here: keys are 256 random bits, so there is nothing to brute-force that a slow
 * hash would protect; a fast hash keeps verification a single indexed lookup.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function parseScopes(scopes: readonly string[]): ApiKeyScope[] {
  if (!Array.isArray(scopes) || scopes.length === 0) throw new InvalidInputError('scopes must name at least one scope');
  for (const scope of scopes) {
    if (!API_KEY_SCOPES.includes(scope as ApiKeyScope)) {
      throw new InvalidInputError(`unknown scope ${JSON.stringify(scope)}; expected read, write or admin`);
    }
  }
  return [...new Set(scopes as ApiKeyScope[])];
}

function toInfo(row: ApiKeyRow): ApiKeyInfo {
  const info: ApiKeyInfo = {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as ApiKeyScope[],
    createdAt: new Date(row.createdAt),
  };
  const lastUsed = toDate(row.lastUsedAt);
  if (lastUsed) info.lastUsedAt = lastUsed;
  const revoked = toDate(row.revokedAt);
  if (revoked) info.revokedAt = revoked;
  return info;
}

/** API keys: only the hash is stored; the key itself is shown once, at creation. */
export class ApiKeyRepository {
  constructor(private readonly context: StoreContext) {}

  /** Generates a new key. The returned `key` is the only copy: it cannot be read back later. */
  async create(input: { name: string; scopes: readonly ApiKeyScope[] }): Promise<{ key: string; info: ApiKeyInfo }> {
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    return { key, info: await this.register(key, input) };
  }

  /** Stores a key given from configuration (seeded admin key). Idempotent: the same key returns the same record. */
  async register(key: string, input: { name: string; scopes: readonly ApiKeyScope[] }): Promise<ApiKeyInfo> {
    if (typeof key !== 'string' || key.length < 16 || key.length > MAX_KEY_LENGTH) {
      throw new InvalidInputError('an API key must be 16 to 512 characters');
    }
    validateId(input.name, 'name', MAX_KEY_NAME_LENGTH);
    const scopes = parseScopes(input.scopes);
    const hash = hashApiKey(key);
    return this.context.db.write(async (manager) => {
      const existing = await manager.findOneBy(ApiKeyEntity, { hash });
      if (existing) return toInfo(existing);
      const row: ApiKeyRow = {
        id: randomUUID(),
        name: input.name,
        prefix: key.slice(0, Math.min(PREFIX_LENGTH, Math.floor(key.length / 3))),
        hash,
        scopes,
        createdAt: this.context.clock.now(),
        lastUsedAt: null,
        revokedAt: null,
      };
      await manager.insert(ApiKeyEntity, row);
      return toInfo(row);
    });
  }

  /** Checks a presented key and, when it is known, records its use (at most once a minute). */
  async verify(key: string, required: ApiKeyScope = 'read'): Promise<ApiKeyVerification> {
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) return { status: 'invalid' };
    const hash = hashApiKey(key);
    const row = await this.context.db.read((manager) => manager.findOneBy(ApiKeyEntity, { hash }));
    if (!row || row.revokedAt !== null) return { status: 'invalid' };
    const now = this.context.clock.now();
    if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
      await this.context.db.write((manager) => manager.update(ApiKeyEntity, { id: row.id }, { lastUsedAt: now }));
      row.lastUsedAt = now;
    }
    const info = toInfo(row);
    return hasScope(info.scopes, required) ? { status: 'valid', key: info } : { status: 'forbidden', key: info };
  }

  async list(): Promise<ApiKeyInfo[]> {
    const rows = await this.context.db.read((manager) => manager.find(ApiKeyEntity, { order: { createdAt: 'ASC', id: 'ASC' } }));
    return rows.map(toInfo);
  }

  /** Revoked keys stay listed (with `revokedAt`) but never verify again. */
  async revoke(id: string): Promise<boolean> {
    validateId(id, 'id');
    const result = await this.context.db.write((manager) =>
      manager.update(ApiKeyEntity, { id, revokedAt: IsNull() }, { revokedAt: this.context.clock.now() }),
    );
    return (result.affected ?? 0) > 0;
  }

  async delete(id: string): Promise<boolean> {
    validateId(id, 'id');
    const result = await this.context.db.write((manager) => manager.delete(ApiKeyEntity, { id }));
    return (result.affected ?? 0) > 0;
  }
}
