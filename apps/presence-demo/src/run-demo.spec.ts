import { aggregate, type AggregationPolicyName, isAvailableStatus, type Platform, type PresenceStatus, type Vote } from '@amo/presence-core';
import { parseDemoArgs } from './demo-options';
import { runDemo } from './run-demo';

const ESC = String.fromCharCode(27);

/** Captures what the demo prints, as a pipe would (no TTY: plain lines). */
function capture(isTTY = false): { write(text: string): boolean; isTTY: boolean; columns: number; text(): string } {
  const chunks: string[] = [];
  return { isTTY, columns: 80, write: (text) => chunks.push(text) > 0, text: () => chunks.join('') };
}

interface ParsedRow {
  userId: string;
  cells: Partial<Record<Platform, { status: PresenceStatus; stale: boolean; native?: string }>>;
  aggregate: string;
  available: string;
}

/** Reads the plain table back: `person | discord | ... | aggregate | available`, cells like `busy* (dnd)`. */
function parseTable(output: string): ParsedRow[] {
  const lines = output.split('\n');
  const headerAt = lines.findIndex((line) => line.startsWith('person '));
  const header = lines[headerAt].split('|').map((cell) => cell.trim());
  const platforms = header.slice(1, -2) as Platform[];
  const rows: ParsedRow[] = [];
  for (const line of lines.slice(headerAt + 2)) {
    if (!line.includes(' | ')) break;
    const cells = line.split('|').map((cell) => cell.trim());
    const row: ParsedRow = { userId: cells[0], cells: {}, aggregate: cells[cells.length - 2], available: cells[cells.length - 1] };
    platforms.forEach((platform, i) => {
      const match = /^(\w+)(\*?)(?: \((.*)\))?$/.exec(cells[i + 1]);
      if (match && cells[i + 1] !== 'no data') row.cells[platform] = { status: match[1] as PresenceStatus, stale: match[2] === '*', native: match[3] };
    });
    rows.push(row);
  }
  return rows;
}

describe('presence-demo --once (the libraries without Nest, against the six emulators)', () => {
  it.each<AggregationPolicyName>(['highest-priority', 'busy-wins'])('prints a table whose aggregate follows core policy %s', async (policy) => {
    const out = capture();
    await runDemo(parseDemoArgs(['--once', '--policy', policy]), out);
    const text = out.text();
    expect(text).toContain('SANDBOX');
    expect(text).not.toContain('\x1b['); // plain when not a terminal
    const rows = parseTable(text);
    expect(rows.map((row) => row.userId)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin', 'frank']);

    // The seed's success criterion: people whose statuses differ across platforms.
    const differing = rows.filter((row) => new Set(Object.values(row.cells).map((cell) => cell?.status)).size > 1);
    expect(differing.length).toBeGreaterThanOrEqual(2);

    for (const row of rows) {
      const votes: Vote[] = (Object.entries(row.cells) as [Platform, { status: PresenceStatus; stale: boolean }][]).map(([platform, cell]) => ({
        platform,
        status: cell.status,
        updatedAt: 0,
        fresh: !cell.stale,
      }));
      const expected = aggregate(votes, policy).status;
      expect({ userId: row.userId, aggregate: row.aggregate }).toEqual({ userId: row.userId, aggregate: expected });
      expect(row.available).toBe(isAvailableStatus(expected) ? 'yes' : 'no');
    }
    // The two policies disagree about alice: online on Discord and WhatsApp, busy on Teams and Zoom.
    expect(rows[0].aggregate).toBe(policy === 'busy-wins' ? 'busy' : 'online');
    expect(rows[0].cells.teams).toEqual({ status: 'busy', stale: false, native: 'Busy/InAMeeting' });
  });

  it('runs live in a terminal: colors, redrawn in place, until --duration is up', async () => {
    const out = capture(true);
    await runDemo(parseDemoArgs(['--people', '3', '--platforms', 'discord,zoom', '--duration', '1200ms']), out);
    const text = out.text();
    expect(text).toContain('\x1b[32m'); // a colored status word
    const up = new RegExp(`${ESC}\\[(\\d+)F${ESC}\\[0J`).exec(text); // the previous table replaced
    expect(Number(up?.[1])).toBe(7); // 7 lines, each fitted to the 80 columns (none wraps)
    expect(text).toContain('│');
  });
});

describe('the live table fits the terminal', () => {
  const wide = (text: string, columns: number): string[] =>
    text.split('\n').filter((line) => [...line.replace(new RegExp(`${ESC}\\[[0-9;]*[mFJ]`, 'g'), '')].length > columns);

  it.each([80, 120])('renders all six platforms at %i columns without a line wider than the terminal', async (columns) => {
    const out = { ...capture(true), columns };
    await runDemo(parseDemoArgs(['--duration', '300ms']), out);
    expect(wide(out.text(), columns)).toEqual([]);
    expect(out.text()).toContain('alice');
    expect(out.text()).toMatch(/aggr|aggregate/);
  });

  it('drops platform columns from the right only when short words do not fit, and says so', async () => {
    const out = { ...capture(true), columns: 50 };
    await runDemo(parseDemoArgs(['--duration', '300ms']), out);
    expect(wide(out.text(), 50)).toEqual([]);
    expect(out.text()).toContain('hidden: widen the terminal');
  });
});
