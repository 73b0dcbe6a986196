import { verifySlackSignature } from '@amo/presence-adapter-kit';
import { EmulatorServer, type EmulatorRequest } from '@amo/presence-adapter-kit/testing';
import { SlackEmulator } from './slack.emulator';

async function call(emulator: SlackEmulator, method: string, args: Record<string, string> = {}, token: string | null = emulator.botToken) {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${emulator.baseUrl}/${method}?${new URLSearchParams(args)}`, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe('SlackEmulator Web API', () => {
  let emulator: SlackEmulator;
  beforeEach(async () => {
    emulator = await SlackEmulator.start({ limits: { 'users.getPresence': 3 } });
    emulator.addUser('U1', { presence: 'away', dnd: { dnd_enabled: true, next_dnd_start_ts: 100, next_dnd_end_ts: 200 }, status: { status_text: 'Lunch', status_emoji: ':taco:' } });
  });
  afterEach(() => emulator.close());

  it('answers the three presence methods in Slack shapes', async () => {
    expect((await call(emulator, 'users.getPresence', { user: 'U1' })).body).toEqual({ ok: true, presence: 'away' });
    expect((await call(emulator, 'dnd.teamInfo', { users: 'U1' })).body).toEqual({
      ok: true,
      users: { U1: { dnd_enabled: true, next_dnd_start_ts: 100, next_dnd_end_ts: 200 } },
    });
    const profile = await call(emulator, 'users.profile.get', { user: 'U1' });
    expect(profile.body).toMatchObject({ ok: true, profile: { status_text: 'Lunch', status_emoji: ':taco:', status_expiration: 0 } });
    expect((await call(emulator, 'auth.test')).body).toMatchObject({ ok: true, team_id: 'T0EMULATOR' });
  });

  it('accepts a POSTed form with the token as an argument, like @slack/web-api sends', async () => {
    const response = await fetch(`${emulator.baseUrl}/users.getPresence`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: emulator.botToken, user: 'U1' }).toString(),
    });
    expect(await response.json()).toEqual({ ok: true, presence: 'away' });
  });

  it('reports logical errors as HTTP 200 ok:false', async () => {
    expect(await call(emulator, 'users.getPresence', { user: 'U1' }, null)).toMatchObject({ status: 200, body: { ok: false, error: 'not_authed' } });
    expect((await call(emulator, 'users.getPresence', { user: 'U1' }, 'xoxb-wrong')).body).toEqual({ ok: false, error: 'invalid_auth' });
    expect((await call(emulator, 'users.profile.get', { user: 'U404' })).body).toEqual({ ok: false, error: 'user_not_found' });
    expect((await call(emulator, 'dnd.teamInfo', { users: Array.from({ length: 51 }, (_, i) => `U${i}`).join(',') })).body.error).toBe('invalid_arguments');
    expect((await call(emulator, 'chat.postMessage')).body).toEqual({ ok: false, error: 'unknown_method' });
    emulator.setScopes(['users:read']);
    expect((await call(emulator, 'dnd.teamInfo', { users: 'U1' })).body).toMatchObject({ ok: false, error: 'missing_scope', needed: 'dnd:read' });
    emulator.revokeToken();
    expect((await call(emulator, 'auth.test')).body).toEqual({ ok: false, error: 'token_revoked' });
    emulator.restoreToken();
    emulator.failNext('auth.test', 'account_inactive');
    expect((await call(emulator, 'auth.test')).body).toEqual({ ok: false, error: 'account_inactive' });
    expect((await call(emulator, 'auth.test')).body.ok).toBe(true);
  });

  it('answers over-tier calls with 429 + Retry-After, counts them, and admits again after the window', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      for (let i = 0; i < 3; i++) expect((await call(emulator, 'users.getPresence', { user: 'U1' })).status).toBe(200);
      await jest.advanceTimersByTimeAsync(20_000);
      const refused = await call(emulator, 'users.getPresence', { user: 'U1' });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('40');
      expect(refused.body).toEqual({ ok: false, error: 'ratelimited' });
      expect(emulator.overBudgetCount('users.getPresence')).toBe(1);
      expect(emulator.overBudgetCount('users.profile.get')).toBe(0);
      await jest.advanceTimersByTimeAsync(40_000);
      expect((await call(emulator, 'users.getPresence', { user: 'U1' })).status).toBe(200);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('SlackEmulator Events API delivery', () => {
  let emulator: SlackEmulator;
  let app: EmulatorServer;
  let received: EmulatorRequest[];
  beforeEach(async () => {
    emulator = await SlackEmulator.start();
    emulator.addUser('U1');
    app = await EmulatorServer.start();
    received = [];
    app.route('POST', '/slack/events', (req) => {
      received.push(req);
      const body = req.body as { type?: string; challenge?: string };
      return body.type === 'url_verification' ? { status: 200, body: body.challenge } : { status: 200 };
    });
  });
  afterEach(async () => {
    await emulator.close();
    await app.close();
  });

  it('runs url_verification and then delivers signed events for scripted changes', async () => {
    const handshake = await emulator.verifyUrl(`${app.url}/slack/events`);
    expect(handshake.verified).toBe(true);
    await emulator.setDnd('U1', { dnd_enabled: true, next_dnd_start_ts: 10, next_dnd_end_ts: 20 });
    await emulator.setStatus('U1', { status_text: 'Focus', status_emoji: ':dart:' });
    expect(received.map((req) => (req.body as { event?: { type: string } }).event?.type ?? 'url_verification')).toEqual([
      'url_verification',
      'dnd_updated_user',
      'user_change',
      'user_status_changed',
    ]);
    for (const req of received) {
      expect(
        verifySlackSignature({
          signingSecret: emulator.signingSecret,
          timestamp: req.headers['x-slack-request-timestamp'] as string,
          signature: req.headers['x-slack-signature'] as string,
          rawBody: req.rawBody,
          nowMs: Date.now(),
        }),
      ).toBe(true);
    }
    expect(received[1].body).toMatchObject({ type: 'event_callback', event: { user: 'U1', dnd_status: { dnd_enabled: true } } });
  });

  it('does not subscribe a URL that fails the challenge', async () => {
    const handshake = await emulator.verifyUrl(`${app.url}/elsewhere`);
    expect(handshake).toMatchObject({ verified: false, status: 404 });
    await expect(emulator.deliverEvent({ type: 'dnd_updated_user' })).rejects.toThrow(/no events URL/);
    expect(await emulator.setStatus('U1', { status_text: 'x' })).toBeUndefined();
  });
});
