import {
  IdentityConflictError,
  type IdentityDirectory,
  InMemoryIdentityDirectory,
  isPlatform,
  isValidId,
  parsePlatform,
  type Platform,
  validateId,
} from '@amo/presence-core';
import { IdentityLinkEntity, type IdentityLinkRow } from '../entities/identity-link.entity';
import { SnapshotEntity } from '../entities/snapshot.entity';
import { columnPages } from '../column-pages';
import { qualifiedTable, runSql } from '../sql';
import type { StoreContext } from '../store-context';
import { type IdentityBatchEntry, type IdentityBatchResult, replaceIdentities } from './identity-batch';

/** One person's account on one platform. */
export interface IdentityLink {
  userId: string;
  platform: Platform;
  accountId: string;
  linkedAt: Date;
}

/** What {@link IdentityRepository.replace} changed. */
export interface IdentityReplacement {
  /** The person's links afterwards. */
  links: Partial<Record<Platform, string>>;
  /** Links that are new (on a platform the person had no account on, or a different account). */
  added: [Platform, string][];
  /** Platforms whose previous account is gone (removed or replaced); their snapshot rows went with it. */
  dropped: Platform[];
}

const LOAD_PAGE = 10_000;
const LINK_COLUMNS = ['user_id', 'platform', 'account_id', 'linked_at'];

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

  /**
   * PUT semantics in one transaction: the person's links become exactly `links`, and the snapshot rows of
   * accounts that are removed or replaced go too. An account that belongs to someone else throws core's
   * {@link IdentityConflictError} and nothing at all changes.
   */
  async replace(userId: string, links: Readonly<Partial<Record<Platform, string>>>): Promise<IdentityReplacement> {
    validateId(userId, 'userId');
    const wanted = new Map<Platform, string>();
    for (const [platform, accountId] of Object.entries(links) as [Platform, string][]) {
      const parsed = parsePlatform(platform);
      validateId(accountId, `${parsed} account id`);
      wanted.set(parsed, accountId);
    }
    const now = this.context.clock.now();
    try {
      return await this.context.db.write(async (manager) => {
        const current = new Map((await manager.findBy(IdentityLinkEntity, { userId })).map((row) => [row.platform as Platform, row.accountId]));
        const added: [Platform, string][] = [];
        for (const [platform, accountId] of wanted) {
          if (current.get(platform) === accountId) continue;
          const owner = await manager.findOneBy(IdentityLinkEntity, { platform, accountId });
          if (owner && owner.userId !== userId) {
            throw new IdentityConflictError(`${platform} account ${accountId} is already linked to another person`);
          }
          added.push([platform, accountId]);
        }
        const dropped = [...current.keys()].filter((platform) => wanted.get(platform) !== current.get(platform));
        for (const platform of dropped) {
          await manager.delete(IdentityLinkEntity, { userId, platform });
          await manager.delete(SnapshotEntity, { userId, platform });
        }
        for (const [platform, accountId] of added) await manager.insert(IdentityLinkEntity, { userId, platform, accountId, linkedAt: now });
        return { links: Object.fromEntries(wanted), added, dropped };
      });
    } catch (error) {
      // Another instance linked one of these accounts meanwhile (PostgreSQL): the unique index decides, and the
      // transaction rolls back whole.
      if (isUniqueViolation(error)) throw new IdentityConflictError('an account in this request is already linked to another person');
      throw error;
    }
  }

  /**
   * {@link replace} for up to thousands of people in one transaction, all or nothing: any conflict throws
   * `IdentityBatchConflictError` naming every failing person. Results come in request order.
   */
  replaceMany(people: readonly IdentityBatchEntry[]): Promise<IdentityBatchResult[]> {
    return replaceIdentities(this.context, people);
  }

  /**
   * Removes one platform's link, or all of the person's links, and their snapshot rows with them in the same
   * transaction (as {@link replace} does): a reading of an account no longer linked is not kept. Returns how many
   * links were removed.
   */
  async unlink(userId: string, platform?: Platform): Promise<number> {
    validateId(userId, 'userId');
    const where = platform === undefined ? { userId } : { userId, platform: parsePlatform(platform) };
    const result = await this.context.db.write(async (manager) => {
      const removed = await manager.delete(IdentityLinkEntity, where);
      await manager.delete(SnapshotEntity, where);
      return removed;
    });
    return result.affected ?? 0;
  }

  async accountOf(userId: string, platform: Platform): Promise<string | undefined> {
    validateId(userId, 'userId');
    const row = await this.context.db.read((manager) => manager.findOneBy(IdentityLinkEntity, { userId, platform }));
    return row?.accountId;
  }

  async personOf(platform: Platform, accountId: string): Promise<string | undefined> {
    validateId(accountId, `${platform} account id`);
    const row = await this.context.db.read((manager) => manager.findOneBy(IdentityLinkEntity, { platform, accountId }));
    return row?.userId;
  }

  async accountsOf(userId: string): Promise<Partial<Record<Platform, string>>> {
    validateId(userId, 'userId');
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
    const links: IdentityLink[] = [];
    for await (const page of this.pages()) for (const row of page) links.push(toLink(row));
    return links;
  }

  /** Keyset pages in (user_id, platform) order, a page of columns at a time (see {@link columnPages}). */
  async *pages(pageSize = LOAD_PAGE): AsyncGenerator<IdentityLinkRow[]> {
    for await (const [userId, platform, accountId, linkedAt] of columnPages(this.context.db, IdentityLinkEntity, LINK_COLUMNS, pageSize)) {
      const page: IdentityLinkRow[] = [];
      for (let i = 0; i < userId.length; i++) page.push({ userId: userId[i] as string, platform: platform[i] as string, accountId: accountId[i] as string, linkedAt: Number(linkedAt[i]) });
      yield page;
    }
  }

  /**
   * Loads every stored link into core's in-memory directory (at start), a page at a time. Returns how many;
   * links whose ids break core's id rule (stored by an older version) are skipped.
   */
  /** How many people have at least one link. */
  async peopleCount(): Promise<number> {
    const [row] = await this.context.db.read((manager) =>
      runSql<{ people: string | number }[]>(manager, `SELECT COUNT(DISTINCT user_id) AS people FROM ${qualifiedTable(manager, IdentityLinkEntity)}`, {}),
    );
    return Number(row?.people ?? 0);
  }

  async loadInto(directory: IdentityDirectory): Promise<number> {
    let count = 0;
    // Room for everyone at once: the directory's and the presence table's columns grow once, not by doubling.
    if (directory instanceof InMemoryIdentityDirectory) directory.reserve(await this.peopleCount());
    // Columns as read, with no object per link: 600,000 links for 100,000 people on six platforms at start.
    for await (const [userIds, platforms, accountIds] of columnPages(this.context.db, IdentityLinkEntity, LINK_COLUMNS.slice(0, 3), LOAD_PAGE)) {
      if (directory instanceof InMemoryIdentityDirectory) {
        count += directory.restoreLinks(userIds as string[], platforms as string[], accountIds as string[]);
        continue;
      }
      for (let i = 0; i < userIds.length; i++) {
        const userId = userIds[i] as string;
        const accountId = accountIds[i] as string;
        // Links an older version stored before ids were checked for control characters are left out, not fatal.
        if (!isValidId(userId) || !isValidId(accountId) || !isPlatform(platforms[i])) continue;
        directory.link(userId, platforms[i] as Platform, accountId);
        count++;
      }
    }
    return count;
  }
}
