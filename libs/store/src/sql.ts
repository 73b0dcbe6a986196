import type { EntityManager, EntitySchema, ObjectLiteral } from 'typeorm';

/** The entity's table, schema-qualified where there is one, quoted for the current driver. */
export function qualifiedTable(manager: EntityManager, entity: EntitySchema<ObjectLiteral>): string {
  const { driver } = manager.connection;
  return manager.connection
    .getMetadata(entity)
    .tablePath.split('.')
    .map((part) => driver.escape(part))
    .join('.');
}

/** Runs SQL written with `:name` parameters on either driver (`?` for SQLite, `$1` for PostgreSQL). */
export function runSql<T = unknown>(manager: EntityManager, sql: string, params: Record<string, unknown>): Promise<T> {
  const [query, parameters] = manager.connection.driver.escapeQueryWithParameters(sql, params, {});
  return manager.query(query, parameters);
}

/**
 * Positional parameter marks for the current driver (`?` for SQLite, `$n` for PostgreSQL): `mark(params, value)`
 * adds the value and returns its mark. Long IN lists and multi-row INSERTs bind this way, past TypeORM's named
 * parameters, which it rewrites one by one with a regular expression.
 */
export function parameterMarks(manager: EntityManager): (params: unknown[], value: unknown) => string {
  const postgres = manager.connection.options.type === 'postgres';
  return (params, value) => {
    params.push(value);
    return postgres ? `$${params.length}` : '?';
  };
}

/**
 * Writes rows (values in `columns` order) with one multi-row INSERT per chunk and positional parameters,
 * past TypeORM's insert and upsert builders, whose per-parameter bookkeeping cost most of a snapshot flush.
 * With `conflictKey`, a row whose key exists overwrites every other column (an upsert; SQLite and PostgreSQL
 * share the ON CONFLICT syntax). Runs inside the caller's transaction when given its manager.
 */
export async function insertRows(
  manager: EntityManager,
  entity: EntitySchema<ObjectLiteral>,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  conflictKey?: readonly string[],
): Promise<void> {
  if (rows.length === 0) return;
  const { driver } = manager.connection;
  const mark = parameterMarks(manager);
  const names = columns.map((column) => driver.escape(column)).join(', ');
  let upsert = '';
  if (conflictKey) {
    const updated = columns.filter((column) => !conflictKey.includes(column)).map((column) => `${driver.escape(column)} = excluded.${driver.escape(column)}`);
    upsert = ` ON CONFLICT (${conflictKey.map((column) => driver.escape(column)).join(', ')}) DO UPDATE SET ${updated.join(', ')}`;
  }
  // Far below SQLite's 32,766 and PostgreSQL's 65,535 parameters per statement.
  const perChunk = Math.max(1, Math.floor(10_000 / columns.length));
  const table = qualifiedTable(manager, entity);
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of chunk) tuples.push(`(${row.map((value) => mark(params, value)).join(', ')})`);
    await manager.query(`INSERT INTO ${table} (${names}) VALUES ${tuples.join(', ')}${upsert}`, params);
  }
}
