import { PresenceAggregator } from '@amo/presence-core';
import { DemoUsageError, parseDemoArgs, parseDuration } from './demo-options';
import { LiveScreen } from './live-screen';
import { cellText, renderTable } from './presence-table';

describe('demo flags', () => {
  it('has defaults and reads every flag, as --flag value or --flag=value', () => {
    expect(parseDemoArgs([])).toEqual({ people: 6, platforms: ['discord', 'slack', 'teams', 'zoom', 'whatsapp', 'linkedin'], policy: 'highest-priority', once: false });
    expect(parseDemoArgs(['--people=12', '--platforms', 'zoom, SLACK', '--policy=busy-wins', '--duration', '2m', '--once'])).toEqual({
      people: 12,
      platforms: ['slack', 'zoom'],
      policy: 'busy-wins',
      durationMs: 120_000,
      once: true,
    });
    expect(parseDuration('30')).toBe(30_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('250ms')).toBe(250);
  });

  it.each([
    [['--people', '0'], /whole number/],
    [['--people'], /needs a value/],
    [['--platforms', 'myspace'], /--platforms: unknown platform/],
    [['--platforms', ','], /at least one/],
    [['--policy', 'loudest'], /--policy: unknown aggregation policy/],
    [['--duration', 'soon'], /--duration/],
    [['--verbose'], /unknown option --verbose/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseDemoArgs(argv as string[])).toThrow(DemoUsageError);
    expect(() => parseDemoArgs(argv as string[])).toThrow(message as RegExp);
  });
});

describe('the table and the screen', () => {
  it('marks stale records and shows who is not linked or not heard from', () => {
    expect(cellText(undefined)).toBe('-');
    expect(cellText('no data')).toBe('no data');
    expect(cellText({ status: 'busy', native: 'dnd', stale: true })).toBe('busy* (dnd)');
    const lines = renderTable([{ userId: 'ada', cells: { zoom: { status: 'online', stale: false } }, aggregate: 'online', available: true, decidedBy: 'zoom' }], ['zoom'], false);
    expect(lines).toEqual(['person | zoom   | aggregate | available', '-------+--------+-----------+----------', 'ada    | online | online    | yes']);
  });

  it('prints one plain line per change when not in a terminal', () => {
    const aggregator = new PresenceAggregator();
    aggregator.directory.link('ada', 'zoom', 'ada@example.com');
    const written: string[] = [];
    const screen = new LiveScreen({ write: (text: string) => written.push(text) }, aggregator, ['ada'], ['zoom'], 'highest-priority');
    aggregator.addPresenceListener((userId, platform, presence) => screen.changed(userId, platform, presence));
    aggregator.ingest('zoom', [{ platform: 'zoom', accountId: 'ada@example.com', status: 'busy', rawStatus: 'Presenting', observedAt: new Date() }]);
    expect(written.join('')).toMatch(/ada zoom busy \(Presenting\) -> aggregate busy, available no\n$/);
    screen.stop();
  });
});
