import {
  IdentityConflictError,
  type IdentityDirectory,
  parsePlatform,
  type Platform,
  validateId,
} from '@amo/presence-core';
import { IdentityLinkEntity, type IdentityLinkRow } from '../entities/identity-link.entity';
import type { StoreContext } from '../store-context';

/** One person's account on one platform. */
export interface IdentityLink {
  userId: string;
  platform: Platform;
  accountId: string;
  linkedAt: Date;
}

function toLink(row: IdentityLinkRow): IdentityLink {
  return { userId: row.userId, platform: row.platform as Platform, accountId: row.accountId, linkedAt: new Date(row.linkedAt) };
}

function isUniqueViolation(error: unknown): boolean {
  const text = String((error as { code?: unknown })?.code ?? '') + ' ' + String((error as Error)?.message ?? '');
  return /23505|SQLITE_CONSTRAINT|UNIQUE constraint/i.test(text);
}

/**
 * Person <-> platform account links. The primary key (user_id, platform) gives each person one account per
 * platform; a unique index on (platform, account_id) gives each account one person. Both lookups are indexed.
 */
export class IdentityRepository {
  constructor(private readonly context: StoreContext) {}

  /**
   * Links an account to a person, replacing the person's previous account on that platform.
   * Throws core's {@link IdentityConflictError} when the account belongs to someone else.
   */
  async link(userId: string, platform: Platform, accountId: string): Promise<IdentityLink> {
    validateId(userId, 'userId');
    const parsed = parsePlatform(platform);
    validateId(accountId, `${parsed} account id`);
    const row: IdentityLinkRow = { userId, platform: parsed, accountId, linkedAt: this.context.clock.now() };
    try {
      return await this.context.db.write(async (manager) => {
        const owner = await manager.findOneBy(IdentityLinkEntity, { platform: parsed, accountId });
        if (owner && owner.userId !== userId) {
          throw new IdentityConflictError(`${parsed} account ${accountId} is already linked to another person`);
        }
        if (owner) return toLink(owner);
        await manager.delete(IdentityLinkEntity, { userId, platform: parsed });
        await manager.insert(IdentityLinkEntity, row);
        return toLink(row);
      });
    } catch (error) {
      // Two instances linking the same account at once (PostgreSQL): the unique index decides.
      if (isUniqueViolation(error)) {
        throw new IdentityConflictError(`${parsed} account ${accountId} is already linked to another person`);
      }
      throw error;
    }
  }

  /** Removes one platform's link, or all of the person's links. Returns how many were removed. */
  async unlink(userId: string, platform?: Platform): Promise<number> {
    const where = platform === undefined ? { userId } : { userId, platform: parsePlatform(platform) };
    const result = await this.context.db.write((manager) => manager.delete(IdentityLinkEntity, where));
    return result.affected ?? 0;
  }

  async accountOf(userId: string, platform: Platform): Promise<string | undefined> {
    const row = await this.context.db.read((manager) => manager.findOneBy(IdentityLinkEntity, { userId, platform }));
    return row?.accountId;
  }

  async personOf(platform: Platform, accountId: string): Promise<string | undefined> {
    const row = await this.context.db.read((manager) => manager.findOneBy(IdentityLinkEntity, { platform, accountId }));
    return row?.userId;
  }

  async accountsOf(userId: string): Promise<Partial<Record<Platform, string>>> {
    const rows = await this.context.db.read((manager) => manager.findBy(IdentityLinkEntity, { userId }));
    return Object.fromEntries(rows.map((row) => [row.platform, row.accountId]));
  }

  async accountsOn(platform: Platform): Promise<string[]> {
    const rows = await this.context.db.read((manager) =>
      manager.find(IdentityLinkEntity, { where: { platform }, order: { accountId: 'ASC' } }),
    );
    return rows.map((row) => row.accountId);
  }

  async all(): Promise<IdentityLink[]> {
    const rows = await this.context.db.read((manager) =>
      manager.find(IdentityLinkEntity, { order: { userId: 'ASC', platform: 'ASC' } }),
    );
    return rows.map(toLink);
  }

  /** Loads every stored link into core's in-memory directory (at start). Returns how many. */
  async loadInto(directory: IdentityDirectory): Promise<number> {
    const links = await this.all();
    for (const link of links) directory.link(link.userId, link.platform, link.accountId);
    return links.length;
  }
}
