import type { EntitySchemaColumnOptions, ValueTransformer } from 'typeorm';

/**
 * Timestamps are stored as epoch milliseconds in a bigint column: SQLite has no timestamp type and
 * PostgreSQL has no `datetime`, so an integer is the one type both read back identically. The pg driver
 * returns bigint as a string, hence the transformer.
 */
export const epochMs: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

export function timeColumn(name: string, nullable = false): EntitySchemaColumnOptions {
  return { name, type: 'bigint', nullable, transformer: epochMs };
}

export function idColumn(name: string, primary = false, length = 256): EntitySchemaColumnOptions {
  return { name, type: 'varchar', length, primary };
}

export function platformColumn(primary = false): EntitySchemaColumnOptions {
  return { name: 'platform', type: 'varchar', length: 16, primary };
}
