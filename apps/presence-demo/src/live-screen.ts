import type { AggregationPolicyName, Platform, PresenceAggregator, PresenceData } from '@amo/presence-core';
import { type ChangedCells, type Detail, fitTable, FULL_DETAIL, renderTable, tableCells, tableRows, type TableRow, visibleWidth } from './presence-table';

/** Where the demo prints: process.stdout, or anything with `write` (tests). */
export interface DemoOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Terminal width: a line wider than this takes several rows, which a redraw must go back over. */
  columns?: number;
}

/** How many terminal rows a line takes once it wraps. */
function rowsOf(line: string, columns: number | undefined): number {
  return columns && columns > 0 ? Math.max(1, Math.ceil(visibleWidth(line) / columns)) : 1;
}

const LEGEND = '* stale: not confirmed lately, does not vote · no data: linked, nothing heard yet · -: not linked';
const SHORT_LEGEND = '* stale · none: linked, no data · -: not linked · inverse: changed';

/** Cuts a line to the terminal's width (title and legend; the table itself is fitted, never cut). */
function clip(line: string, columns: number | undefined): string {
  if (!columns || visibleWidth(line) <= columns) return line;
  return `${[...line].slice(0, Math.max(1, columns - 1)).join('')}…`;
}

/**
 * The table on screen. In a terminal it is redrawn in place (at most every 100 ms) with colors; anywhere else
 * (a pipe, a log) it is printed once, then one plain line per change, then once more at the end.
 */
export class LiveScreen {
  private drawnLines = 0;
  private pending: ReturnType<typeof setTimeout> | undefined;
  /** Each cell's full text at the last redraw, by person and column: what changed since is shown inverse. */
  private lastCells = new Map<string, string>();

  constructor(
    private readonly out: DemoOutput,
    private readonly aggregator: PresenceAggregator,
    private readonly userIds: readonly string[],
    private readonly platforms: readonly Platform[],
    private readonly policy: AggregationPolicyName,
  ) {}

  get terminal(): boolean {
    return this.out.isTTY === true;
  }

  /** Prints the whole table now (replacing the previous one in a terminal). */
  draw(): void {
    const time = new Date().toLocaleTimeString();
    const rows = tableRows(this.aggregator, this.userIds, this.platforms);
    const title = `Presence Aggregator demo · SANDBOX: emulated platforms and sample people, not real presence · policy ${this.policy} · ${time}`;
    const columns = this.terminal ? this.out.columns : undefined;
    let table: string[];
    let legend = LEGEND;
    if (columns && columns > 0) {
      const fitted = fitTable(rows, this.platforms, true, columns, (shown, detail) => this.changedCells(rows, shown, detail));
      const hidden = this.platforms.length - fitted.platforms.length;
      table = fitted.lines;
      if (fitted.detail !== FULL_DETAIL || visibleWidth(LEGEND) > columns) legend = SHORT_LEGEND;
      if (hidden > 0) legend = `${hidden} platform(s) hidden: widen the terminal · ${legend}`;
    } else {
      table = renderTable(rows, this.platforms, this.terminal);
    }
    this.remember(rows);
    const lines = [clip(title, columns), ...table, clip(legend, columns)];
    if (this.terminal && this.drawnLines > 0) this.out.write(`\x1b[${this.drawnLines}F\x1b[0J`);
    this.out.write(`${lines.join('\n')}\n`);
    this.drawnLines = lines.reduce((rows, line) => rows + rowsOf(line, this.out.columns), 0);
  }

  /** Marks cells whose full text differs from the last redraw (nothing on the first). */
  private changedCells(rows: readonly TableRow[], shown: readonly Platform[], _detail: Detail): ChangedCells {
    if (this.lastCells.size === 0) return () => false;
    const names = ['person', ...shown, 'aggregate', 'available'];
    const now = tableCells(rows, shown);
    return (r, i) => i > 0 && this.lastCells.get(`${rows[r].userId}\u0000${names[i]}`) !== now[r][i];
  }

  private remember(rows: readonly TableRow[]): void {
    const names = ['person', ...this.platforms, 'aggregate', 'available'];
    const cells = tableCells(rows, this.platforms);
    this.lastCells = new Map(rows.flatMap((row, r) => names.map((name, i) => [`${row.userId}\u0000${name}`, cells[r][i]] as const)));
  }

  /** A presence change: a redraw soon (terminal), or one line now (plain). */
  changed(userId: string, platform: Platform, presence: PresenceData): void {
    if (this.terminal) {
      this.pending ??= setTimeout(() => {
        this.pending = undefined;
        this.draw();
      }, 100);
      return;
    }
    const { status, available } = this.aggregator.explain(userId);
    const native = presence.rawStatus ? ` (${presence.rawStatus})` : '';
    this.out.write(`${new Date().toLocaleTimeString()} ${userId} ${platform} ${presence.status}${native} -> aggregate ${status}, available ${available ? 'yes' : 'no'}\n`);
  }

  stop(): void {
    if (this.pending !== undefined) clearTimeout(this.pending);
    this.pending = undefined;
  }
}
