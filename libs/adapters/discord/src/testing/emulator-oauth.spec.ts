import { createPkcePair } from '@amo/presence-adapter-kit';
import { DiscordGatewayEmulator } from './discord.emulator';

const REDIRECT = 'http://127.0.0.1:1/v1/oauth/discord/callback';

describe('DiscordGatewayEmulator bot authorization (OAuth2 code grant)', () => {
  let discord: DiscordGatewayEmulator;
  beforeAll(async () => {
    discord = await DiscordGatewayEmulator.start({ clientSecret: 'app-secret' });
  });
  afterAll(() => discord.close());

  async function authorize(challenge: string, scope = 'bot'): Promise<URL> {
    const query = new URLSearchParams({ client_id: discord.oauth.clientId, scope, permissions: '1024', response_type: 'code', redirect_uri: REDIRECT, state: 'st', code_challenge: challenge, code_challenge_method: 'S256' });
    const response = await fetch(`${discord.server.url}/oauth2/authorize?${query}`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    return new URL(response.headers.get('location') as string);
  }

  async function token(code: string, verifier: string, secret = 'app-secret'): Promise<{ status: number; body: Record<string, unknown> }> {
    const form = new URLSearchParams({ client_id: discord.oauth.clientId, client_secret: secret, grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
    const response = await fetch(`${discord.apiBaseUrl}/oauth2/token`, { method: 'POST', body: form });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('sends the admin back with code, state and the chosen guild, and redeems the code once for a token naming it', async () => {
    discord.oauth.installInto = '290926798626357001';
    const pkce = createPkcePair();
    const back = await authorize(pkce.challenge);
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ state: 'st', guild_id: '290926798626357001', permissions: '1024', code: expect.any(String) });
    const code = back.searchParams.get('code') as string;
    expect((await token(code, pkce.verifier, 'wrong')).status).toBe(401);
    const granted = await token(code, pkce.verifier);
    expect(granted).toMatchObject({ status: 200, body: { token_type: 'Bearer', scope: 'bot', guild: { id: '290926798626357001' } } });
    expect(discord.world.guilds.has('290926798626357001')).toBe(true);
    expect((await token(code, pkce.verifier)).body).toMatchObject({ error: 'invalid_grant' });
  });

  it('checks the PKCE verifier, and says access_denied when cancelled', async () => {
    const pkce = createPkcePair();
    const code = (await authorize(pkce.challenge)).searchParams.get('code') as string;
    expect((await token(code, createPkcePair().verifier)).body).toMatchObject({ error: 'invalid_grant' });
    discord.oauth.denyNext();
    const denied = await authorize(pkce.challenge);
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('guild_id')).toBeNull();
  });
});
