import { InvalidInputError } from '@amo/presence-core';

/** One page of a listing; pass `nextCursor` back to get the next one. Absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageRequest {
  /** Items per page: default 100, at most 1000. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new InvalidInputError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return limit;
}

/** Cursors are opaque to callers: base64url of a tagged position, so a cursor from one listing fails in another. */
export function encodeCursor(kind: string, position: string | number): string {
  return Buffer.from(JSON.stringify([kind, position]), 'utf8').toString('base64url');
}

export function decodeCursor<T extends string | number>(kind: string, cursor: string, type: 'string' | 'number'): T {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed[0] === kind && typeof parsed[1] === type) {
      return parsed[1] as T;
    }
  } catch {
    // fall through to the typed error
  }
  throw new InvalidInputError('cursor is not valid for this listing');
}

/** Takes `limit + 1` rows and turns the extra one into a cursor. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  map: (row: Row) => Item,
  position: (row: Row) => string | number,
  kind: string,
): Page<Item> {
  const items = rows.slice(0, limit);
  const page: Page<Item> = { items: items.map(map) };
  if (rows.length > limit && items.length > 0) page.nextCursor = encodeCursor(kind, position(items[items.length - 1]));
  return page;
}
