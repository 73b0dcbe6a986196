import { IdentityConflictError, parsePlatform, type Platform, validateId } from '@amo/presence-core';
import type { EntityManager } from 'typeorm';
import { IdentityLinkEntity } from '../entities/identity-link.entity';
import { SnapshotEntity } from '../entities/snapshot.entity';
import { insertRows, parameterMarks, qualifiedTable } from '../sql';
import type { StoreContext } from '../store-context';

/** One person in a batch: the links they should have afterwards (PUT semantics). */
export interface IdentityBatchEntry {
  userId: string;
  identities: Readonly<Partial<Record<Platform, string>>>;
}

/** What the batch changed for one person, in request order. */
export interface IdentityBatchResult {
  userId: string;
  links: Partial<Record<Platform, string>>;
  added: [Platform, string][];
  dropped: Platform[];
}

/** One failing person of a batch: where in the request, and why. */
export interface IdentityBatchConflict {
  /** Position in the request (0-based). */
  index: number;
  userId: string;
  /** The platform whose account conflicts; absent when the person as a whole does (named twice). */
  platform?: Platform;
  message: string;
}

/** A batch that changed nothing because some people conflict; `conflicts` names each of them. */
export class IdentityBatchConflictError extends IdentityConflictError {
  constructor(readonly conflicts: readonly IdentityBatchConflict[]) {
    super(`${conflicts.length} ${conflicts.length === 1 ? 'person' : 'people'} in the batch conflict; nothing was changed`);
  }
}

// Ids per IN (...): far below SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const IN_CHUNK = 500;

interface LinkRow {
  user_id: string;
  platform: string;
  account_id: string;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}


function parseEntries(people: readonly IdentityBatchEntry[]): Map<Platform, string>[] {
  return people.map((person, index) => {
    validateId(person.userId, `people[${index}].userId`);
    const wanted = new Map<Platform, string>();
    for (const [platform, accountId] of Object.entries(person.identities)) {
      const parsed = parsePlatform(platform);
      validateId(accountId, `people[${index}] ${parsed} account id`);
      wanted.set(parsed, accountId as string);
    }
    return wanted;
  });
}

/** The current links of the given people, and the owners of the wanted accounts: indexed lookups, chunked. */
async function readState(manager: EntityManager, userIds: string[], wanted: Map<Platform, string>[]) {
  const table = qualifiedTable(manager, IdentityLinkEntity);
  const mark = parameterMarks(manager);
  const current = new Map<string, Map<Platform, string>>();
  for (const part of chunks(userIds, IN_CHUNK)) {
    const params: unknown[] = [];
    const sql = `SELECT user_id, platform, account_id FROM ${table} WHERE user_id IN (${part.map((userId) => mark(params, userId)).join(', ')})`;
    for (const row of (await manager.query(sql, params)) as LinkRow[]) {
      let links = current.get(row.user_id);
      if (!links) current.set(row.user_id, (links = new Map()));
      links.set(row.platform as Platform, row.account_id);
    }
  }
  const byPlatform = new Map<Platform, string[]>();
  for (const links of wanted) for (const [platform, accountId] of links) append(byPlatform, platform, accountId);
  const owners = new Map<string, string>();
  for (const [platform, accounts] of byPlatform) {
    for (const part of chunks(accounts, IN_CHUNK)) {
      const params: unknown[] = [];
      const sql = `SELECT user_id, account_id FROM ${table} WHERE platform = ${mark(params, platform)} AND account_id IN (${part.map((accountId) => mark(params, accountId)).join(', ')})`;
      for (const row of (await manager.query(sql, params)) as LinkRow[]) owners.set(`${platform}\u0000${row.account_id}`, row.user_id);
    }
  }
  return { current, owners };
}

/** Decides every person's change and every conflict; writes nothing. */
function plan(
  people: readonly IdentityBatchEntry[],
  wanted: Map<Platform, string>[],
  current: Map<string, Map<Platform, string>>,
  owners: Map<string, string>,
): { results: IdentityBatchResult[]; conflicts: IdentityBatchConflict[] } {
  const conflicts: IdentityBatchConflict[] = [];
  const positions = new Map<string, number>();
  const claimed = new Map<string, number>();
  people.forEach((person, index) => {
    const first = positions.get(person.userId);
    if (first === undefined) positions.set(person.userId, index);
    else conflicts.push({ index, userId: person.userId, message: `${person.userId} is named twice (also at people[${first}])` });
    for (const [platform, accountId] of wanted[index]) {
      const key = `${platform}\u0000${accountId}`;
      const other = claimed.get(key);
      if (other === undefined) claimed.set(key, index);
      else conflicts.push({ index, userId: person.userId, platform, message: `${platform} account ${accountId} is also requested for ${people[other].userId} (people[${other}])` });
    }
  });
  const results = people.map((person, index): IdentityBatchResult => {
    const before = current.get(person.userId) ?? new Map<Platform, string>();
    const added: [Platform, string][] = [];
    for (const [platform, accountId] of wanted[index]) {
      if (before.get(platform) === accountId) continue;
      const owner = owners.get(`${platform}\u0000${accountId}`);
      // An owner in this batch who gives the account up (their new links do not keep it) releases it.
      const ownerIndex = owner === undefined ? undefined : positions.get(owner);
      const released = ownerIndex !== undefined && wanted[ownerIndex].get(platform) !== accountId;
      if (owner !== undefined && owner !== person.userId && !released) {
        conflicts.push({ index, userId: person.userId, platform, message: `${platform} account ${accountId} is already linked to another person` });
      }
      added.push([platform, accountId]);
    }
    const dropped = [...before.keys()].filter((platform) => wanted[index].get(platform) !== before.get(platform));
    return { userId: person.userId, links: Object.fromEntries(wanted[index]), added, dropped };
  });
  conflicts.sort((a, b) => a.index - b.index);
  return { results, conflicts };
}

async function write(manager: EntityManager, results: IdentityBatchResult[], now: number): Promise<void> {
  const droppedBy = new Map<Platform, string[]>();
  for (const result of results) for (const platform of result.dropped) append(droppedBy, platform, result.userId);
  // Deletes first: an account moving between two people of the batch is free before it is inserted again.
  const mark = parameterMarks(manager);
  for (const entity of [IdentityLinkEntity, SnapshotEntity]) {
    const table = qualifiedTable(manager, entity as typeof IdentityLinkEntity);
    for (const [platform, userIds] of droppedBy) {
      for (const part of chunks(userIds, IN_CHUNK)) {
        const params: unknown[] = [];
        await manager.query(`DELETE FROM ${table} WHERE platform = ${mark(params, platform)} AND user_id IN (${part.map((userId) => mark(params, userId)).join(', ')})`, params);
      }
    }
  }
  const rows = results.flatMap((result) => result.added.map(([platform, accountId]) => [result.userId, platform, accountId, now]));
  await insertRows(manager, IdentityLinkEntity, ['user_id', 'platform', 'account_id', 'linked_at'], rows);
}

function isUniqueViolation(error: unknown): boolean {
  const text = String((error as { code?: unknown })?.code ?? '') + ' ' + String((error as Error)?.message ?? '');
  return /23505|SQLITE_CONSTRAINT|UNIQUE constraint/i.test(text);
}

/**
 * PUT semantics for many people in one transaction: each person's links become exactly theirs, and snapshot
 * rows of removed or replaced accounts go. Any conflict (an account of someone outside the batch, or one
 * claimed twice, or a person named twice) throws {@link IdentityBatchConflictError} naming every failing
 * person, and nothing changes. Cost per person is constant: indexed lookups by id, chunked, no scans.
 */
export async function replaceIdentities(context: StoreContext, people: readonly IdentityBatchEntry[]): Promise<IdentityBatchResult[]> {
  if (people.length === 0) return [];
  const wanted = parseEntries(people);
  const now = context.clock.now();
  try {
    return await context.db.write(async (manager) => {
      const { current, owners } = await readState(manager, [...new Set(people.map((person) => person.userId))], wanted);
      const { results, conflicts } = plan(people, wanted, current, owners);
      if (conflicts.length > 0) throw new IdentityBatchConflictError(conflicts);
      await write(manager, results, now);
      return results;
    });
  } catch (error) {
    // Another instance linked one of these accounts meanwhile (PostgreSQL): the unique index decides.
    if (isUniqueViolation(error)) throw new IdentityConflictError('an account in this batch was linked to another person meanwhile; nothing was changed');
    throw error;
  }
}
