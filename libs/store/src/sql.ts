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
