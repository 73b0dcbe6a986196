import { applyMessage, type DashboardState, personFromApi, platformsFromHealth, TIMELINE_LENGTH } from './state';
import { cellTitle, healthLook, statusLook } from './status';

function state(): DashboardState {
  return {
    sandbox: true,
    platforms: [{ platform: 'slack', state: 'up', breaker: 'closed', rateBudgets: [], lastError: null }],
    people: new Map([['alice', personFromApi('alice', { status: 'online', available: true, decidedBy: 'slack', platforms: { slack: { status: 'online', rawStatus: 'active' } } }, [])]]),
  };
}

describe('dashboard state', () => {
  it('applies a presence change to the right cell and records it on the timeline', () => {
    const s = state();
    expect(applyMessage(s, { type: 'presence', userId: 'alice', platform: 'slack', presence: { status: 'away', rawStatus: 'away', lastUpdated: '2026-01-01T00:00:00Z' } })).toBe('alice');
    const alice = s.people.get('alice');
    expect(alice?.cells.slack).toMatchObject({ status: 'away', rawStatus: 'away', stale: false, noData: false });
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
    expect(applyMessage(s, { type: 'aggregate', userId: 'alice', status: 'busy', previousStatus: 'online', available: false, decidedBy: 'zoom' })).toBe('alice');
    expect(s.people.get('alice')).toMatchObject({ status: 'busy', previousStatus: 'online', available: false, decidedBy: 'zoom' });
    expect(applyMessage(s, { type: 'platform', platform: 'slack', state: 'degraded', breaker: 'open', lastError: { code: 'TRANSIENT', message: '503' } })).toBe('platforms');
    expect(healthLook(s.platforms[0]).label).toBe('breaker open');
    expect(applyMessage(s, { type: 'aggregate', userId: 'bob', status: 'busy', available: false, decidedBy: null })).toBeNull();
    expect(applyMessage(s, { type: 'presence', userId: 'bob', platform: 'slack', presence: { status: 'away' } })).toBeNull();
    expect(applyMessage(s, { type: 'pong' })).toBeNull();
  });

  it('keeps a platform that connected after the page loaded in step with its messages (never "not connected" while live)', () => {
    const s = state();
    s.platforms.push({ platform: 'discord', state: 'disconnected', breaker: null, rateBudgets: [], lastError: null });
    expect(healthLook(s.platforms[1]).label).toBe('not configured');
    applyMessage(s, { type: 'platform', platform: 'discord', state: 'up', breaker: 'closed', lastError: null });
    expect(healthLook(s.platforms[1])).toEqual({ label: 'connected', tone: 'ok', detail: null });
    // A read-only key's /health lists only connected platforms: one that connects later joins the list.
    expect(applyMessage(s, { type: 'platform', platform: 'zoom', state: 'up', breaker: 'closed', lastError: null })).toBe('platforms');
    expect(s.platforms.map((platform) => [platform.platform, healthLook(platform).label])).toEqual([
      ['slack', 'connected'],
      ['discord', 'connected'],
      ['zoom', 'connected'],
    ]);
  });

  it('tells "linked, no data" from a record and from "not linked", and keeps the stale flag a message carries', () => {
    const bob = personFromApi(
      'bob',
      {
        status: 'unknown',
        available: false,
        decidedBy: null,
        platforms: { whatsapp: { status: 'unknown', rawStatus: null, lastUpdated: null, stale: true }, zoom: { status: 'away', lastUpdated: 't', stale: true } },
      },
      [],
    );
    expect(bob.cells.whatsapp).toMatchObject({ noData: true, stale: true });
    expect(bob.cells.zoom).toMatchObject({ noData: false, stale: true });
    expect(bob.cells.slack).toBeUndefined();
    const s: DashboardState = { sandbox: false, platforms: [], people: new Map([['bob', bob]]) };
    applyMessage(s, { type: 'presence', userId: 'bob', platform: 'slack', presence: { status: 'unknown', lastUpdated: null, stale: true } });
    expect(s.people.get('bob')?.cells.slack).toMatchObject({ noData: true });
    applyMessage(s, { type: 'presence', userId: 'bob', platform: 'whatsapp', presence: { status: 'online', lastUpdated: 't2' } });
    expect(s.people.get('bob')?.cells.whatsapp).toMatchObject({ status: 'online', noData: false, stale: false });
  });

  it('reads platform health from /health for keys without the admin scope', () => {
    expect(
      platformsFromHealth({
        platforms: { zoom: { state: 'degraded', breaker: 'open', lastError: { code: 'TRANSIENT', message: '503' } }, slack: { state: 'failed', breaker: null, lastError: null } },
      }),
    ).toEqual([
      { platform: 'zoom', state: 'degraded', breaker: 'open', rateBudgets: [], lastError: { code: 'TRANSIENT', message: '503' } },
      { platform: 'slack', state: 'failed', breaker: null, rateBudgets: [], lastError: null },
    ]);
    expect(platformsFromHealth({})).toEqual([]);
  });

  it('builds people from the API, unknown when there is no presence yet', () => {
    expect(personFromApi('bob', null, [])).toMatchObject({ status: 'unknown', previousStatus: null, available: false, decidedBy: null, cells: {} });
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
      'native: dnd · Playing Chess · “lunch” · stale: not confirmed within its freshness window, does not vote · updated t',
    );
    expect(cellTitle({})).toBe('native: n/a');
  });

  it('says how each platform is doing, from its state: a failure with its code and message, unlike one not configured', () => {
    const error = { code: 'AUTH_INVALID', message: 'invalid_auth' };
    expect(healthLook({ state: 'disconnected', breaker: null, lastError: null })).toEqual({ label: 'not configured', tone: 'off', detail: null });
    expect(healthLook({ state: 'disconnected', breaker: null, installed: false, lastError: null })).toEqual({ label: 'not in this build', tone: 'off', detail: null });
    expect(healthLook({ state: 'failed', breaker: null, lastError: error })).toEqual({ label: 'failed', tone: 'bad', detail: 'AUTH_INVALID: invalid_auth' });
    expect(healthLook({ state: 'down', breaker: null, lastError: { code: 'TRANSIENT', message: 'getaddrinfo ENOTFOUND' } })).toEqual({
      label: 'down, retrying',
      tone: 'bad',
      detail: 'TRANSIENT: getaddrinfo ENOTFOUND',
    });
    expect(healthLook({ state: 'degraded', breaker: 'closed', lastError: error })).toEqual({ label: 'degraded', tone: 'warn', detail: 'AUTH_INVALID: invalid_auth' });
    expect(healthLook({ state: 'up', breaker: 'half-open', lastError: null })).toMatchObject({ label: 'degraded', tone: 'warn' });
    expect(healthLook({ state: 'up', breaker: 'open', lastError: error })).toMatchObject({ label: 'breaker open', tone: 'bad' });
    expect(healthLook({ state: 'connecting', breaker: null, lastError: null })).toEqual({ label: 'connecting', tone: 'warn', detail: null });
    // An old error on a platform that is up again is not shown as if it were current.
    expect(healthLook({ state: 'up', breaker: 'closed', lastError: error })).toEqual({ label: 'connected', tone: 'ok', detail: null });
  });
});
