import { createPkcePair } from '@amo/presence-adapter-kit';
import { GraphEmulator } from './teams.emulator';

const REDIRECT = 'http://127.0.0.1:1/v1/oauth/teams/callback';

describe('GraphEmulator delegated sign-in (authorization code with PKCE)', () => {
  let emulator: GraphEmulator;
  beforeAll(async () => {
    emulator = await GraphEmulator.start();
  });
  afterAll(() => emulator.close());

  async function authorize(challenge: string, state = 'st'): Promise<URL> {
    const { tenantId, clientId } = emulator.tenant;
    const query = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: REDIRECT, scope: 'offline_access Presence.Read.All', state, code_challenge: challenge, code_challenge_method: 'S256' });
    const response = await fetch(`${emulator.url}/${tenantId}/oauth2/v2.0/authorize?${query}`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    return new URL(response.headers.get('location') as string);
  }

  async function redeem(code: string, verifier: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const { tenantId, clientId, clientSecret } = emulator.tenant;
    const form = new URLSearchParams({ client_id: clientId, client_secret: clientSecret, grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
    const response = await fetch(`${emulator.url}/${tenantId}/oauth2/v2.0/token`, { method: 'POST', body: form });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('redeems a code once, with the PKCE verifier, for a delegated token that can subscribe', async () => {
    const pkce = createPkcePair();
    const wrong = await redeem((await authorize(pkce.challenge)).searchParams.get('code') as string, createPkcePair().verifier);
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_codes: [501481] } });
    const back = await authorize(pkce.challenge);
    expect(back.searchParams.get('state')).toBe('st');
    const code = back.searchParams.get('code') as string;
    const granted = await redeem(code, pkce.verifier);
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), refresh_token: expect.any(String) });
    expect((await redeem(code, pkce.verifier)).status).toBe(400);
    const me = await fetch(`${emulator.url}/v1.0/subscriptions`, { headers: { authorization: `Bearer ${granted.body.access_token as string}` } });
    expect(me.status).toBe(200);
  });

  it('says access_denied when the user declines', async () => {
    emulator.signIns.denyNext();
    const back = await authorize(createPkcePair().challenge, 'st2');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st2');
  });
});
