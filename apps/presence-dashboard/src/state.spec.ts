import { applyMessage, type DashboardState, personFromApi, platformsFromHealth, TIMELINE_LENGTH } from './state';
import { cellTitle, healthLook, statusLook } from './status';

function state(): DashboardState {
  return {
    sandbox: true,
    platforms: [{ platform: 'slack', connected: true, state: 'connected', breaker: 'closed', rateBudgets: [], lastError: null }],
    people: new Map([['alice', personFromApi('alice', ['slack', 'zoom'], { status: 'online', available: true, decidedBy: 'slack', platforms: { slack: { status: 'online', rawStatus: 'active' } } }, [])]]),
  };
}

describe('dashboard state', () => {
  it('applies a presence change to the right cell and records it on the timeline', () => {
    const s = state();
    expect(applyMessage(s, { type: 'presence', userId: 'alice', platform: 'slack', presence: { status: 'away', rawStatus: 'away', lastUpdated: '2026-01-01T00:00:00Z' } })).toBe('alice');
    const alice = s.people.get('alice');
    expect(alice?.cells.slack).toMatchObject({ status: 'away', rawStatus: 'away', stale: false });
    expect(alice?.timeline[0]).toEqual({ platform: 'slack', from: 'online', to: 'away', at: '2026-01-01T00:00:00Z' });
  });

  it('does not grow the timeline on a re-read with the same status, and caps it', () => {
    const s = state();
    applyMessage(s, { type: 'presence', userId: 'alice', platform: 'slack', presence: { status: 'online', activity: 'x' } });
    expect(s.people.get('alice')?.timeline).toHaveLength(0);
    for (let i = 0; i < 20; i++) {
      applyMessage(s, { type: 'presence', userId: 'alice', platform: 'slack', presence: { status: i % 2 ? 'online' : 'busy' } });
    }
    expect(s.people.get('alice')?.timeline).toHaveLength(TIMELINE_LENGTH);
  });

  it('applies aggregate and platform messages and ignores strangers and unknown types', () => {
    const s = state();
    expect(applyMessage(s, { type: 'aggregate', userId: 'alice', status: 'busy', available: false, decidedBy: 'zoom' })).toBe('alice');
    expect(s.people.get('alice')).toMatchObject({ status: 'busy', available: false, decidedBy: 'zoom' });
    expect(applyMessage(s, { type: 'platform', platform: 'slack', state: 'degraded', breaker: 'open', lastError: { code: 'TRANSIENT', message: '503' } })).toBe('platforms');
    expect(healthLook(s.platforms[0]).label).toBe('breaker open');
    expect(applyMessage(s, { type: 'aggregate', userId: 'bob', status: 'busy', available: false, decidedBy: null })).toBeNull();
    expect(applyMessage(s, { type: 'presence', userId: 'bob', platform: 'slack', presence: { status: 'away' } })).toBeNull();
    expect(applyMessage(s, { type: 'platform', platform: 'zoom', state: 'x', breaker: null, lastError: null })).toBeNull();
    expect(applyMessage(s, { type: 'pong' })).toBeNull();
  });

  it('reads platform health from /health for keys without the admin scope', () => {
    expect(
      platformsFromHealth({
        platforms: { zoom: { state: 'degraded', breaker: 'open', lastError: { code: 'TRANSIENT', message: '503' } }, slack: { state: 'failed', breaker: null, lastError: null } },
      }),
    ).toEqual([
      { platform: 'zoom', connected: true, state: 'degraded', breaker: 'open', rateBudgets: [], lastError: { code: 'TRANSIENT', message: '503' } },
      { platform: 'slack', connected: false, state: 'failed', breaker: null, rateBudgets: [], lastError: null },
    ]);
    expect(platformsFromHealth({})).toEqual([]);
  });

  it('builds people from the API, unknown when there is no presence yet', () => {
    expect(personFromApi('bob', ['zoom'], null, [])).toMatchObject({ status: 'unknown', available: false, cells: {} });
  });
});

describe('status looks', () => {
  it('never relies on color alone: every status has an icon and a label', () => {
    for (const status of ['online', 'idle', 'busy', 'away', 'offline', 'unknown']) {
      const look = statusLook(status);
      expect(look.icon.length).toBeGreaterThan(0);
      expect(look.label.toLowerCase()).toBe(status);
    }
    expect(statusLook('weird').key).toBe('unknown');
    expect(statusLook(null).key).toBe('unknown');
  });

  it('describes a cell for hover with the native value, activity, message and staleness', () => {
    expect(cellTitle({ rawStatus: 'dnd', activity: 'Playing Chess', customMessage: 'lunch', stale: true, lastUpdated: 't' })).toBe(
      'native: dnd · Playing Chess · “lunch” · stale: not confirmed within its freshness window · updated t',
    );
    expect(cellTitle({})).toBe('native: n/a');
  });

  it('says how each platform is doing', () => {
    expect(healthLook({ connected: false, state: 'disconnected', breaker: null })).toEqual({ label: 'not connected', tone: 'off' });
    expect(healthLook({ connected: false, state: 'failed', breaker: null })).toEqual({ label: 'failed', tone: 'bad' });
    expect(healthLook({ connected: true, state: 'degraded', breaker: 'closed' })).toEqual({ label: 'degraded', tone: 'warn' });
    expect(healthLook({ connected: true, state: 'failed', breaker: 'closed' })).toEqual({ label: 'failed', tone: 'bad' });
    expect(healthLook({ connected: true, state: 'connecting', breaker: null })).toEqual({ label: 'connecting', tone: 'ok' });
    expect(healthLook({ connected: true, state: 'connected', breaker: 'closed' })).toEqual({ label: 'connected', tone: 'ok' });
  });
});
