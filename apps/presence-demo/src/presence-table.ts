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
    const cells: TableRow['cells'] = {};
    for (const platform of platforms) {
      const record = explained.platforms[platform];
      if (record) cells[platform] = { status: record.status, native: record.rawStatus, stale: record.stale };
      else if (explained.awaiting.includes(platform)) cells[platform] = 'no data';
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
const INVERSE = '\x1b[7m';

/** How much a cell says, from everything down to a short word, so the table can fit a narrow terminal. */
export interface Detail {
  /** The platform's own value beside the status: in full, cut to this many characters, or left out (0). */
  native: number;
  /** `offline` -> `off`, `unknown` -> `?`, `no data` -> `none`, and platform headers of three letters. */
  short: boolean;
}

export const FULL_DETAIL: Detail = { native: Infinity, short: false };

const SHORT_STATUS: Record<PresenceStatus, string> = { online: 'online', idle: 'idle', busy: 'busy', away: 'away', offline: 'off', unknown: '?' };
const SHORT_PLATFORM: Partial<Record<Platform, string>> = { discord: 'dsc', slack: 'slk', teams: 'tms', zoom: 'zm', whatsapp: 'wa', linkedin: 'li' };

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** `busy* (dnd)`: status, a star when stale (it does not vote), the platform's own word in brackets. */
export function cellText(cell: TableRow['cells'][Platform], detail: Detail = FULL_DETAIL): string {
  if (cell === undefined) return '-';
  if (cell === 'no data') return detail.short ? 'none' : 'no data';
  const status = detail.short ? SHORT_STATUS[cell.status] : cell.status;
  const native = cell.native && detail.native > 0 ? ` (${cut(cell.native, detail.native)})` : '';
  return `${status}${cell.stale ? '*' : ''}${native}`;
}

/** Which cells changed since the last redraw (row index, column index): shown in inverse video in a terminal. */
export type ChangedCells = (row: number, column: number) => boolean;

/**
 * The table as lines: aligned columns split by `|` (plain, for pipes and logs) or `│` with the status words
 * colored (terminal). Status is always a word, never a color alone.
 */
export function renderTable(
  rows: readonly TableRow[],
  platforms: readonly Platform[],
  color: boolean,
  detail: Detail = FULL_DETAIL,
  changed?: ChangedCells,
): string[] {
  const header = ['person', ...platforms.map((p) => (detail.short ? (SHORT_PLATFORM[p] ?? p) : p)), detail.short ? 'aggr' : 'aggregate', detail.short ? 'avail' : 'available'];
  const body = tableCells(rows, platforms, detail);
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((cells) => cells[i].length)));
  const paint = (text: string, i: number, r: number | undefined): string => {
    const padded = text.padEnd(widths[i]);
    if (!color) return padded;
    if (r === undefined) return `${BOLD}${padded}${RESET}`;
    const row = rows[r];
    const mark = changed?.(r, i) ? INVERSE : '';
    if (i === header.length - 1) return `${mark}${row.available ? COLORS.online : COLORS.busy}${padded}${RESET}`;
    const word = /^(\S+?)\*?(?: |$)/.exec(text)?.[1] ?? '';
    const status = (Object.keys(COLORS) as PresenceStatus[]).find((s) => s === word || SHORT_STATUS[s] === word);
    return status ? `${mark}${COLORS[status]}${padded}${RESET}` : mark ? `${mark}${padded}${RESET}` : padded;
  };
  const separator = color ? ' │ ' : ' | ';
  const line = (cells: string[], r?: number): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[0]) : paint(cell, i, r))).join(separator).trimEnd();
  return [line(header), widths.map((w) => (color ? '─' : '-').repeat(w)).join(color ? '─┼─' : '-+-'), ...body.map((cells, r) => line(cells, r))];
}

/** The text of every cell (person, platforms..., aggregate, available), for rendering and for change marks. */
export function tableCells(rows: readonly TableRow[], platforms: readonly Platform[], detail: Detail = FULL_DETAIL): string[][] {
  return rows.map((row) => [
    row.userId,
    ...platforms.map((p) => cellText(row.cells[p], detail)),
    detail.short ? SHORT_STATUS[row.aggregate] : row.aggregate,
    row.available ? 'yes' : 'no',
  ]);
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Columns a line takes on screen (colors do not count). */
export function visibleWidth(line: string): number {
  return [...line.replace(ANSI, '')].length;
}

/**
 * Steps from the most to the least said, tried in this order until the table fits the terminal (documented in
 * the README): native values in full, cut to 12, cut to 6, left out; then short words and headers; then platform
 * columns are dropped from the right of the list. Person, aggregate and availability always stay.
 */
export const DETAIL_STEPS: readonly Detail[] = [
  FULL_DETAIL,
  { native: 12, short: false },
  { native: 6, short: false },
  { native: 0, short: false },
  { native: 0, short: true },
];

export interface FittedTable {
  lines: string[];
  platforms: Platform[];
  detail: Detail;
}

/** The most detailed table whose every line fits `columns`; platforms dropped from the right as a last resort. */
export function fitTable(
  rows: readonly TableRow[],
  platforms: readonly Platform[],
  color: boolean,
  columns: number,
  changed?: (platforms: readonly Platform[], detail: Detail) => ChangedCells,
): FittedTable {
  const shown = [...platforms];
  for (;;) {
    for (const detail of DETAIL_STEPS) {
      const lines = renderTable(rows, shown, color, detail, changed?.(shown, detail));
      if (shown.length === 0 || lines.every((line) => visibleWidth(line) <= columns)) return { lines, platforms: shown, detail };
    }
    shown.pop();
  }
}
