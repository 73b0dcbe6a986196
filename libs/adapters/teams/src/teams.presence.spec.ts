import { htmlToText } from './teams.html';
import { PresenceLedger } from './teams.ledger';
import { teamsCustomMessage, toTeamsPresence } from './teams.presence';

const at = new Date('2026-03-02T09:00:00Z');

describe('toTeamsPresence', () => {
  it.each([
    ['Available', 'Available', 'online', undefined],
    ['AvailableIdle', 'Available', 'idle', undefined],
    ['Busy', 'InAMeeting', 'busy', 'In a meeting'],
    ['DoNotDisturb', 'Presenting', 'busy', 'Presenting'],
    ['Available', 'OutOfOffice', 'away', 'Out of office'],
    ['Busy', 'OffWork', 'away', 'Off work'],
    ['BeRightBack', 'BeRightBack', 'away', undefined],
    ['Offline', 'OffWork', 'away', 'Off work'],
    ['Offline', 'Offline', 'offline', undefined],
    ['PresenceUnknown', 'PresenceUnknown', 'unknown', undefined],
    ['busy', 'inACall', 'busy', 'In a call'],
    ['focusing', undefined, 'busy', undefined],
  ])('%s / %s -> %s (%s)', (availability, activity, status, text) => {
    const record = toTeamsPresence({ id: 'u1', availability, activity }, at);
    expect(record).toMatchObject({ platform: 'teams', accountId: 'u1', status, observedAt: at });
    expect(record.activity).toBe(text);
    expect(record.unrecognized).toBeUndefined();
  });

  it('keeps the raw pair, the sequence number and marks unknown values', () => {
    const record = toTeamsPresence({ id: 'u1', availability: 'Levitating', activity: 'Busy', sequenceNumber: 'C0FFEE' }, at);
    expect(record).toMatchObject({ status: 'unknown', rawStatus: 'Levitating/Busy', sequence: 'C0FFEE', unrecognized: true });
  });

  it('turns the status message into plain text', () => {
    const record = toTeamsPresence({ id: 'u1', availability: 'Busy', activity: 'Busy', statusMessage: { message: { content: '<p>Heads down &amp; <b>shipping</b></p><br/>back at 3', contentType: 'html' } } }, at);
    expect(record.customMessage).toBe('Heads down & shipping back at 3');
  });

  it('hides an expired status message and keeps an unexpired one', () => {
    const message = (dateTime: string, timeZone = 'UTC') => ({ message: { content: 'On leave' }, expiryDateTime: { dateTime, timeZone } });
    expect(teamsCustomMessage(message('2026-03-02T08:59:00.0000000'), at.getTime())).toBeUndefined();
    expect(teamsCustomMessage(message('2026-03-02T10:00:00.0000000'), at.getTime())).toBe('On leave');
    // A Windows time zone name cannot be judged without a zone table: the message stays.
    expect(teamsCustomMessage(message('2026-03-01T00:00:00', 'Pacific Standard Time'), at.getTime())).toBe('On leave');
    expect(teamsCustomMessage(null, at.getTime())).toBeUndefined();
  });
});

describe('htmlToText', () => {
  it('drops scripts, comments and tags, decodes entities and collapses whitespace', () => {
    expect(htmlToText('<div>Lunch<script>alert(1)</script> <!-- x -->&lt;12&gt; &#128512; &#x41;&nbsp;&quot;ok&quot;</div>')).toBe('Lunch <12> 😀 A "ok"');
    expect(htmlToText('&#0;&#xD800;&bogus;')).toBe('&bogus;');
    expect(htmlToText('   <p> </p> ')).toBeUndefined();
    expect(htmlToText(42)).toBeUndefined();
  });
});

describe('PresenceLedger', () => {
  const record = (sequence: string | undefined, minute: number, accountId = 'AbC', scope = 'run-1') => ({
    ...toTeamsPresence({ id: accountId, availability: 'Busy', activity: 'Busy', sequenceNumber: sequence }, new Date(at.getTime() + minute * 60_000), scope),
  });

  it('never lets an older sequence number overwrite a newer one, whichever arrives last', () => {
    const ledger = new PresenceLedger();
    expect(ledger.offer(record('0000000000000002', 1)).accepted).toBe(true);
    const stale = ledger.offer(record('0000000000000001', 5));
    expect(stale).toMatchObject({ accepted: false, current: { sequence: '0000000000000002' } });
    expect(ledger.offer(record('0000000000000002', 6)).accepted).toBe(true);
    expect(ledger.get('abc')?.sequence).toBe('0000000000000002');
  });

  it('compares sequence numbers only within one scope: a high sequence held from another run never blocks a newer reading', () => {
    const ledger = new PresenceLedger();
    // A reading restored from an earlier run, whose Graph numbering was far ahead of this run's.
    expect(ledger.offer(record('00000000000000FF', 1, 'AbC', 'run-0')).accepted).toBe(true);
    const newer = ledger.offer(record('0000000000000002', 2, 'AbC', 'run-1'));
    expect(newer).toMatchObject({ accepted: true, current: { sequence: '0000000000000002', sequenceScope: 'run-1' } });
    // Across scopes time decides, both ways: an older observation from another scope does not win either.
    expect(ledger.offer(record('00000000000000FF', 1, 'AbC', 'run-0')).accepted).toBe(false);
    // Within the new scope, sequence numbers order again, whatever the times say.
    expect(ledger.offer(record('0000000000000001', 9, 'AbC', 'run-1')).accepted).toBe(false);
  });

  it('stamps the scope only on records that carry a sequence number', () => {
    expect(toTeamsPresence({ id: 'u1', availability: 'Busy', sequenceNumber: '01' }, at, 'run-1')).toMatchObject({ sequence: '01', sequenceScope: 'run-1' });
    expect(toTeamsPresence({ id: 'u1', availability: 'Busy' }, at, 'run-1').sequenceScope).toBeUndefined();
  });

  it('falls back to observation time without sequence numbers, and forgets untracked ids', () => {
    const ledger = new PresenceLedger();
    ledger.offer(record(undefined, 5));
    expect(ledger.offer(record(undefined, 4)).accepted).toBe(false);
    ledger.offer(record(undefined, 1, 'other'));
    ledger.retain(new Set(['abc']));
    expect(ledger.size).toBe(1);
    ledger.delete('ABC');
    expect(ledger.get('abc')).toBeUndefined();
  });
});
