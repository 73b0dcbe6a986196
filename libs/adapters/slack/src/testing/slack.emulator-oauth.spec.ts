import { SlackEmulator } from './slack.emulator';

const REDIRECT = 'http://127.0.0.1:1/v1/oauth/slack/callback';

describe('SlackEmulator installation flow (OAuth v2)', () => {
  let slack: SlackEmulator;
  beforeAll(async () => {
    slack = await SlackEmulator.start({ clientId: 'cid.1', clientSecret: 'csecret' });
  });
  afterAll(() => slack.close());

  async function authorize(state = 's1'): Promise<URL> {
    const url = `${slack.server.url}/oauth/v2/authorize?client_id=cid.1&scope=users:read&redirect_uri=${encodeURIComponent(REDIRECT)}&state=${state}`;
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    return new URL(response.headers.get('location') as string);
  }

  const access = async (form: Record<string, string>): Promise<Record<string, unknown>> =>
    (await (await fetch(`${slack.baseUrl}/oauth.v2.access`, { method: 'POST', body: new URLSearchParams(form) })).json()) as Record<string, unknown>;

  it('redirects back with a code and the state, and redeems the code once for the bot token', async () => {
    const back = await authorize();
    expect(back.searchParams.get('state')).toBe('s1');
    const code = back.searchParams.get('code') as string;
    expect(await access({ client_id: 'cid.1', client_secret: 'wrong', code, redirect_uri: REDIRECT })).toEqual({ ok: false, error: 'bad_client_secret' });
    const granted = await access({ client_id: 'cid.1', client_secret: 'csecret', code, redirect_uri: REDIRECT });
    expect(granted).toMatchObject({ ok: true, access_token: slack.botToken, token_type: 'bot', team: { id: slack.teamId }, bot_user_id: slack.botUserId });
    expect(await access({ client_id: 'cid.1', client_secret: 'csecret', code, redirect_uri: REDIRECT })).toEqual({ ok: false, error: 'invalid_code' });
  });

  it('checks the redirect URI and the client, and says access_denied when the user cancels', async () => {
    const code = (await authorize()).searchParams.get('code') as string;
    expect(await access({ client_id: 'cid.1', client_secret: 'csecret', code, redirect_uri: 'http://elsewhere/cb' })).toEqual({ ok: false, error: 'bad_redirect_uri' });
    expect(await access({ client_id: 'other', client_secret: 'csecret', code: 'x' })).toEqual({ ok: false, error: 'invalid_client_id' });
    slack.oauth.denyNext();
    const denied = await authorize('s2');
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('s2');
    expect(denied.searchParams.get('code')).toBeNull();
  });
});
