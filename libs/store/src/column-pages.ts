import type { EntitySchema, ObjectLiteral } from 'typeorm';
import { qualifiedTable, runSql } from './sql';
import type { StoreDb } from './store-db';

/** One page of a table as columns: `columns[c][i]` is column c of row i. */
export type ColumnPage = unknown[][];

/**
 * Reads a table keyed by (user_id, platform) in keyset pages of `pageSize` rows, each page as columns: the
 * database builds one JSON array per column (SQLite `json_group_array`, PostgreSQL `json_agg`), so a page
 * comes back as one row. At start-up sizes (600,000 links and as many snapshot records for 100,000 people)
 * the drivers' row objects (one object with a property per column, per row) cost several times the query
 * itself; a few JSON arrays per page cost a fraction of that.
 *
 * The page's last key is read first (a walk of the primary key index), so the columns need no order of their
 * own: every aggregate of one query is fed the same rows in the same order, so row i is at index i of each.
 * The next page is read while the caller handles the current one.
 * `columns` are column names of the caller's own (never user input).
 */
export async function* columnPages(db: StoreDb, entity: EntitySchema<ObjectLiteral>, columns: readonly string[], pageSize: number): AsyncGenerator<ColumnPage> {
  const read = (after: { user_id: string; platform: string } | undefined) =>
    db.read(async (manager) => {
      const table = qualifiedTable(manager, entity);
      const cursor = after === undefined ? undefined : { afterUser: after.user_id, afterPlatform: after.platform };
      // A row-value comparison walks the primary key (SQLite and PostgreSQL); the equivalent OR scanned the table.
      const from = cursor ? 'WHERE (user_id, platform) > (:afterUser, :afterPlatform)' : '';
      const [last] = await runSql<{ user_id: string; platform: string }[]>(
        manager,
        `SELECT user_id, platform FROM ${table} ${from} ORDER BY user_id, platform LIMIT 1 OFFSET ${pageSize - 1}`,
        cursor ?? {},
      );
      const until = last === undefined ? '' : `${cursor ? ' AND' : 'WHERE'} (user_id, platform) <= (:lastUser, :lastPlatform)`;
      const aggregate = manager.connection.options.type === 'postgres' ? 'json_agg' : 'json_group_array';
      const select = columns.map((column, index) => `${aggregate}(${column}) AS c${index}`).join(', ');
      const params = last === undefined ? (cursor ?? {}) : { ...cursor, lastUser: last.user_id, lastPlatform: last.platform };
      const [row] = await runSql<Record<string, unknown>[]>(manager, `SELECT ${select} FROM ${table} ${from}${until}`, params);
      return { last, values: columns.map((_, index) => jsonArray(row?.[`c${index}`])) };
    });
  let next = read(undefined);
  for (;;) {
    const page = await next;
    // The next page is read while the caller works on this one (the database's work and the caller's overlap).
    if (page.last !== undefined) {
      next = read(page.last);
      // A caller that stops early leaves it unawaited: its failure is nobody's to report.
      next.catch(() => undefined);
    }
    if (page.values[0].length > 0) yield page.values;
    if (page.last === undefined) return;
  }
}

/** SQLite returns the array as JSON text, node-postgres already parsed; PostgreSQL aggregates no rows to null. */
function jsonArray(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  return (typeof value === 'string' ? JSON.parse(value) : value) as unknown[];
}
