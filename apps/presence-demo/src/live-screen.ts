import type { AggregationPolicyName, Platform, PresenceAggregator, PresenceData } from '@amo/presence-core';
import { renderTable, tableRows } from './presence-table';

/** Where the demo prints: process.stdout, or anything with `write` (tests). */
export interface DemoOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Terminal width: a line wider than this takes several rows, which a redraw must go back over. */
  columns?: number;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** How many terminal rows a line takes once it wraps. */
function rowsOf(line: string, columns: number | undefined): number {
  const width = [...line.replace(ANSI, '')].length;
  return columns && columns > 0 ? Math.max(1, Math.ceil(width / columns)) : 1;
}

const LEGEND = '* stale: not confirmed lately, does not vote · no data: linked, nothing heard yet · -: not linked';

/**
 * The table on screen. In a terminal it is redrawn in place (at most every 100 ms) with colors; anywhere else
 * (a pipe, a log) it is printed once, then one plain line per change, then once more at the end.
 */
export class LiveScreen {
  private drawnLines = 0;
  private pending: ReturnType<typeof setTimeout> | undefined;

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
    const lines = [
      `Presence Aggregator demo · SANDBOX: emulated platforms and sample people, not real presence · policy ${this.policy} · ${time}`,
      ...renderTable(rows, this.platforms, this.terminal),
      LEGEND,
    ];
    if (this.terminal && this.drawnLines > 0) this.out.write(`\x1b[${this.drawnLines}F\x1b[0J`);
    this.out.write(`${lines.join('\n')}\n`);
    this.drawnLines = lines.reduce((rows, line) => rows + rowsOf(line, this.out.columns), 0);
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
