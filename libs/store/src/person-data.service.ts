import { HOUR_MS, type PersonPreferences, type Platform, validateId } from '@amo/presence-core';
import { In } from 'typeorm';
import { PERSON_ENTITIES } from './entities';
import { AuditEntryEntity } from './entities/audit-entry.entity';
import { IdentityLinkEntity } from './entities/identity-link.entity';
import { PatternTimeEntity } from './entities/pattern-time.entity';
import { PreferencesEntity } from './entities/preferences.entity';
import { SnapshotEntity } from './entities/snapshot.entity';
import { decodeCursor, type Page, type PageRequest, pageSize, toPage } from './paging';
import { toPreferences } from './repositories/preferences.repository';
import { qualifiedTable, runSql } from './sql';
import type { StoreContext } from './store-context';

/** What erasure removed, per table. */
export interface ErasureReport {
  userId: string;
  deleted: Record<string, number>;
}

/** Everything held about one person, JSON-ready (times as ISO 8601 strings). */
export interface PersonExport {
  userId: string;
  exportedAt: string;
  identities: { platform: Platform; accountId: string; linkedAt: string }[];
  preferences: PersonPreferences | null;
  snapshots: {
    platform: Platform;
    status: string;
    lastSeen?: string;
    lastUpdated: string;
    confirmedAt: string;
    expiresAt?: string;
    sequence?: string;
    rawStatus?: string;
    activity?: string;
    customMessage?: string;
    devices?: Record<string, string>;
  }[];
  auditLog: { platform: Platform; from: string | null; to: string; at: string }[];
  /** Seconds observed and available per hour of the person's wall clock (`localHour`: `YYYY-MM-DDTHH:00`, their zone). */
  availabilityPattern: { localHour: string; observedSeconds: number; availableSeconds: number }[];
}

/** A person known to the store (linked or with preferences), for `GET /v1/users`. */
export interface PersonSummary {
  userId: string;
  platforms: Partial<Record<Platform, string>>;
}

const iso = (ms: number) => new Date(ms).toISOString();
const CURSOR_KIND = 'people';

function withoutNulls<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== null && inner !== undefined)) as T;
}

/** Erasure, export and the people listing: the operations that span every table holding a person. */
export class PersonDataService {
  constructor(private readonly context: StoreContext) {}

  /** Removes every row linked to the person, in one transaction. The service must also `aggregator.forget` them. */
  async erase(userId: string): Promise<ErasureReport> {
    validateId(userId, 'userId');
    return this.context.db.write(async (manager) => {
      const deleted: Record<string, number> = {};
      for (const entity of PERSON_ENTITIES) {
        const result = await manager.delete(entity, { userId });
        deleted[manager.connection.getMetadata(entity).tableName] = result.affected ?? 0;
      }
      return { userId, deleted };
    });
  }

  /** Everything held about the person, read in one consistent pass. */
  async export(userId: string): Promise<PersonExport> {
    validateId(userId, 'userId');
    return this.context.db.readConsistent(async (manager) => {
      const [links, prefs, snapshots, audit, pattern] = [
        await manager.find(IdentityLinkEntity, { where: { userId }, order: { platform: 'ASC' } }),
        await manager.findOneBy(PreferencesEntity, { userId }),
        await manager.find(SnapshotEntity, { where: { userId }, order: { platform: 'ASC' } }),
        await manager.find(AuditEntryEntity, { where: { userId }, order: { id: 'ASC' } }),
        await manager.find(PatternTimeEntity, { where: { userId }, order: { localHour: 'ASC' } }),
      ];
      return {
        userId,
        exportedAt: iso(this.context.clock.now()),
        identities: links.map((row) => ({ platform: row.platform as Platform, accountId: row.accountId, linkedAt: iso(row.linkedAt) })),
        preferences: prefs ? toPreferences(prefs) : null,
        snapshots: snapshots.map((row) =>
          withoutNulls({
            platform: row.platform as Platform,
            status: row.status,
            lastSeen: row.lastSeen === null ? undefined : iso(row.lastSeen),
            lastUpdated: iso(row.lastUpdated),
            confirmedAt: iso(row.confirmedAt),
            expiresAt: row.expiresAt === null ? undefined : iso(row.expiresAt),
            sequence: row.sequence ?? undefined,
            rawStatus: row.rawStatus ?? undefined,
            activity: row.activity ?? undefined,
            customMessage: row.customMessage ?? undefined,
            devices: row.devices ?? undefined,
          }),
        ),
        auditLog: audit.map((row) => ({ platform: row.platform as Platform, from: row.fromStatus, to: row.toStatus, at: iso(row.at) })),
        availabilityPattern: pattern.map((row) => ({
          localHour: iso(row.localHour * HOUR_MS).slice(0, 16),
          observedSeconds: row.observedSeconds,
          availableSeconds: row.availableSeconds,
        })),
      };
    });
  }

  /** People with links or preferences, ordered by id, with their linked accounts. */
  async listPeople(request: PageRequest = {}): Promise<Page<PersonSummary>> {
    const limit = pageSize(request.limit);
    const after = request.cursor === undefined ? undefined : decodeCursor<string>(CURSOR_KIND, request.cursor, 'string');
    const { ids, links } = await this.context.db.readConsistent(async (manager) => {
      // One UNION in SQL, so ordering and the cursor comparison both use the database's collation.
      const sql =
        `SELECT u.user_id AS user_id FROM (SELECT user_id FROM ${qualifiedTable(manager, IdentityLinkEntity)} ` +
        `UNION SELECT user_id FROM ${qualifiedTable(manager, PreferencesEntity)}) u ` +
        `${after === undefined ? '' : 'WHERE u.user_id > :after '}ORDER BY u.user_id LIMIT ${limit + 1}`;
      const rows: { user_id: string }[] = await runSql(manager, sql, after === undefined ? {} : { after });
      const merged = rows.map((row) => row.user_id);
      const linked = merged.length === 0 ? [] : await manager.find(IdentityLinkEntity, { where: { userId: In(merged.slice(0, limit)) } });
      return { ids: merged, links: linked };
    });
    const platforms = new Map<string, Partial<Record<Platform, string>>>();
    for (const link of links) platforms.set(link.userId, { ...platforms.get(link.userId), [link.platform]: link.accountId });
    return toPage(ids, limit, (userId) => ({ userId, platforms: platforms.get(userId) ?? {} }), (userId) => userId, CURSOR_KIND);
  }
}
