import { buildSlackRecord, mergeSlackState, slackCustomMessage, slackExpiresAt } from './slack.state';

const NOW = Date.UTC(2025, 5, 2, 12, 0, 0);
const sec = (ms: number) => Math.floor(ms / 1000);

describe('buildSlackRecord', () => {
  it('normalizes presence through core: active -> online, away -> away', () => {
    expect(buildSlackRecord('U1', { presence: 'active' }, NOW, NOW)).toEqual({
      platform: 'slack',
      accountId: 'U1',
      status: 'online',
      rawStatus: 'active',
      observedAt: new Date(NOW),
    });
    expect(buildSlackRecord('U1', { presence: 'away' }, NOW, NOW)?.status).toBe('away');
  });

  it('makes a DND window in force busy until its end', () => {
    const dnd = { dnd_enabled: true, next_dnd_start_ts: sec(NOW) - 60, next_dnd_end_ts: sec(NOW) + 3600 };
    expect(buildSlackRecord('U1', { presence: 'active', dnd }, NOW, NOW)).toMatchObject({
      status: 'busy',
      activity: 'Do not disturb',
      expiresAt: new Date((sec(NOW) + 3600) * 1000),
    });
  });

  it('does not make a DND window that starts later busy yet, and expires the reading at its start', () => {
    const dnd = { dnd_enabled: true, next_dnd_start_ts: sec(NOW) + 600, next_dnd_end_ts: sec(NOW) + 3600 };
    const record = buildSlackRecord('U1', { presence: 'active', dnd }, NOW, NOW);
    expect(record).toMatchObject({ status: 'online', expiresAt: new Date((sec(NOW) + 600) * 1000) });
    expect(record?.activity).toBeUndefined();
    expect(buildSlackRecord('U1', { presence: 'active', dnd }, NOW + 601_000, NOW)?.status).toBe('busy');
  });

  it('ignores a disabled DND and marks unknown native values', () => {
    expect(buildSlackRecord('U1', { presence: 'away', dnd: { dnd_enabled: false, next_dnd_start_ts: 1, next_dnd_end_ts: 1 } }, NOW, NOW)?.expiresAt).toBeUndefined();
    expect(buildSlackRecord('U1', { presence: 'lurking' }, NOW, NOW)).toMatchObject({ status: 'unknown', unrecognized: true });
  });

  it('has no record while presence is unknown', () => {
    expect(buildSlackRecord('U1', { status: { status_text: 'Hi' } }, NOW, NOW)).toBeUndefined();
  });
});

describe('custom status', () => {
  it('shows emoji and text, and nothing for an empty status', () => {
    expect(slackCustomMessage({ status_text: 'Print is dead', status_emoji: ':books:', status_expiration: 0 }, NOW)).toBe(':books: Print is dead');
    expect(slackCustomMessage({ status_text: '', status_emoji: '' }, NOW)).toBeUndefined();
    expect(slackCustomMessage(undefined, NOW)).toBeUndefined();
  });

  it('does not show an expired status, and expires a timed one with the record', () => {
    expect(slackCustomMessage({ status_text: 'Old', status_expiration: sec(NOW) - 1 }, NOW)).toBeUndefined();
    const state = { presence: 'active', status: { status_text: 'Lunch', status_expiration: sec(NOW) + 1800 } };
    expect(buildSlackRecord('U1', state, NOW, NOW)).toMatchObject({ customMessage: 'Lunch', expiresAt: new Date((sec(NOW) + 1800) * 1000) });
    expect(slackExpiresAt({ ...state, dnd: { dnd_enabled: true, next_dnd_start_ts: sec(NOW) + 60, next_dnd_end_ts: sec(NOW) + 120 } }, NOW)).toEqual(
      new Date((sec(NOW) + 60) * 1000),
    );
  });
});

describe('mergeSlackState', () => {
  it('merges part by part and never lets an older part overwrite a newer one', () => {
    let state = mergeSlackState(undefined, { accountId: 'U1', at: 100, presence: 'active' });
    state = mergeSlackState(state, { accountId: 'U1', at: 200, status: { status_text: 'new' } });
    state = mergeSlackState(state, { accountId: 'U1', at: 150, status: { status_text: 'late' }, presence: 'away' });
    expect(state).toEqual({ presence: 'away', presenceAt: 150, status: { status_text: 'new' }, statusAt: 200 });
    state = mergeSlackState(state, { accountId: 'U1', at: 150, dnd: { dnd_enabled: true } });
    expect(state.dnd).toEqual({ dnd_enabled: true });
  });
});
