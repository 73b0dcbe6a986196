import type { PresenceStatus } from '../model/status';

/** What a native value means in our vocabulary. `recognized: false` marks a value no table knows. */
export interface Normalized {
  status: PresenceStatus;
  activity?: string;
  recognized: boolean;
}

export const UNRECOGNIZED: Normalized = Object.freeze({ status: 'unknown', recognized: false });

/** Looks a native value up case-insensitively (and with `_`, `-` and spaces ignored) in a table. */
export function lookupFolded<T>(table: ReadonlyMap<string, T>, value: unknown): T | undefined {
  if (typeof value !== 'string') return undefined;
  return table.get(foldKey(value));
}

export function foldKey(value: string): string {
  return value.replace(/[\s_-]/g, '').toLowerCase();
}

export function foldedTable<T>(table: Readonly<Record<string, T>>): ReadonlyMap<string, T> {
  return new Map(Object.entries(table).map(([key, value]) => [foldKey(key), value]));
}
