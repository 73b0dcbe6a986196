import type { PresenceStatus } from '../model/status';

/**
 * What a native value means in our vocabulary. `recognized: false` marks a value no table knows. The
 * normalize functions hand out shared, frozen answers for the values their tables know: one runs per reading.
 */
export interface Normalized {
  status: PresenceStatus;
  activity?: string;
  recognized: boolean;
}

export const UNRECOGNIZED: Normalized = Object.freeze({ status: 'unknown', recognized: false });

/**
 * Looks a native value up case-insensitively (and with `_`, `-` and spaces ignored) in a {@link foldedTable}.
 * A value spelled as the table spells it (nearly every reading) is found without folding, which builds two strings.
 */
export function lookupFolded<T>(table: ReadonlyMap<string, T>, value: unknown): T | undefined {
  if (typeof value !== 'string') return undefined;
  return table.get(value) ?? table.get(foldKey(value));
}

export function foldKey(value: string): string {
  return value.replace(/[\s_-]/g, '').toLowerCase();
}

/** A table's values by folded key, and by the key as written (what {@link lookupFolded} tries first). */
export function foldedTable<T>(table: Readonly<Record<string, T>>): ReadonlyMap<string, T> {
  const entries = Object.entries(table);
  return new Map([...entries.map(([key, value]): [string, T] => [foldKey(key), value]), ...entries]);
}

/** One frozen answer per value of a table, so a known value allocates nothing. */
export function recognizedAnswers<K extends string>(table: Readonly<Record<K, PresenceStatus>>): Readonly<Record<K, Normalized>> {
  return Object.freeze(
    Object.fromEntries(Object.entries<PresenceStatus>(table).map(([key, status]) => [key, Object.freeze({ status, recognized: true })])),
  ) as Record<K, Normalized>;
}
