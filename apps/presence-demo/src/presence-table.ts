import type { Platform, PresenceAggregator, PresenceStatus } from '@amo/presence-core';

/** One person's line: each platform's normalized status beside its native value, then the aggregate. */
export interface TableRow {
  userId: string;
  /** Per platform: a record, `no data` (linked, nothing heard yet) or absent (not linked). */
  cells: Partial<Record<Platform, { status: PresenceStatus; native?: string; stale: boolean } | 'no data'>>;
  aggregate: PresenceStatus;
  available: boolean;
  decidedBy: Platform | null;
}

/** Reads every person's explained presence from the aggregator (its cache: no platform call). */
export function tableRows(aggregator: PresenceAggregator, userIds: readonly string[], platforms: readonly Platform[]): TableRow[] {
  return userIds.map((userId) => {
    const explained = aggregator.explain(userId);
    const linked = aggregator.directory.accountsOf(userId);
    const cells: TableRow['cells'] = {};
    for (const platform of platforms) {
      const record = explained.platforms[platform];
      if (record) cells[platform] = { status: record.status, native: record.rawStatus, stale: record.stale };
      else if (linked[platform] !== undefined) cells[platform] = 'no data';
    }
    return { userId, cells, aggregate: explained.status, available: explained.available, decidedBy: explained.decidedBy };
  });
}

const COLORS: Record<PresenceStatus, string> = {
  online: '\x1b[32m',
  idle: '\x1b[36m',
  busy: '\x1b[31m',
  away: '\x1b[33m',
  offline: '\x1b[90m',
  unknown: '\x1b[2m',
};
const RESET = '\x1b[0m';
const BOLD = '\x1b[1m';

/** `busy* (dnd)`: status, a star when stale (it does not vote), the platform's own word in brackets. */
export function cellText(cell: TableRow['cells'][Platform]): string {
  if (cell === undefined) return '-';
  if (cell === 'no data') return 'no data';
  return `${cell.status}${cell.stale ? '*' : ''}${cell.native ? ` (${cell.native})` : ''}`;
}

/**
 * The table as lines: aligned columns split by `|` (plain, for pipes and logs) or `│` with the status words
 * colored (terminal). Status is always a word, never a color alone.
 */
export function renderTable(rows: readonly TableRow[], platforms: readonly Platform[], color: boolean): string[] {
  const header = ['person', ...platforms, 'aggregate', 'available'];
  const body = rows.map((row) => [row.userId, ...platforms.map((p) => cellText(row.cells[p])), row.aggregate, row.available ? 'yes' : 'no']);
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((cells) => cells[i].length)));
  const paint = (text: string, i: number, row?: TableRow): string => {
    const padded = text.padEnd(widths[i]);
    if (!color || !row) return color ? `${BOLD}${padded}${RESET}` : padded;
    const status = /^(\w+)/.exec(text)?.[1] as PresenceStatus | undefined;
    if (i === header.length - 1) return `${row.available ? COLORS.online : COLORS.busy}${padded}${RESET}`;
    return status && status in COLORS ? `${COLORS[status]}${padded}${RESET}` : padded;
  };
  const separator = color ? ' │ ' : ' | ';
  const line = (cells: string[], row?: TableRow): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[0]) : paint(cell, i, row))).join(separator).trimEnd();
  return [line(header), widths.map((w) => (color ? '─' : '-').repeat(w)).join(color ? '─┼─' : '-+-'), ...body.map((cells, i) => line(cells, rows[i]))];
}
