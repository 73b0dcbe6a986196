import { createPkcePair } from '../oauth/pkce';
import { AuthorizationCodes, tokenClient } from './authorization-codes';
import type { EmulatorRequest } from './emulator-types';

function request(query: Record<string, string>, headers: Record<string, string> = {}): EmulatorRequest {
  return { method: 'GET', path: '/authorize', query, headers, params: {}, body: undefined, rawBody: Buffer.alloc(0) } as unknown as EmulatorRequest;
}

describe('AuthorizationCodes', () => {
  let now = 1_000;
  let codes: AuthorizationCodes<{ user: string }>;
  let issued = 0;
  const issue = () => ({ code: `code-${++issued}`, grant: { user: 'ada' }, params: { guild_id: 'g1' } });
  beforeEach(() => {
    now = 1_000;
    issued = 0;
    codes = new AuthorizationCodes(() => now, { decline: { error: 'access_denied', description: 'declined' } });
  });

  const location = (reply: { headers?: Record<string, string> }): URL => new URL(reply.headers?.['location'] ?? '');

  it('redirects back with a code, its extra parameters and the state; the code redeems once', () => {
    const back = location(codes.redirect(request({ state: 's-1' }), 'https://app/cb', { code: issue }));
    expect(Object.fromEntries(back.searchParams)).toEqual({ code: 'code-1', guild_id: 'g1', state: 's-1' });
    expect(codes.redeem('code-1', 'https://app/cb', undefined)).toEqual({ grant: { user: 'ada' } });
    expect(codes.redeem('code-1', 'https://app/cb', undefined)).toEqual({ refused: 'invalid' });
  });

  it('declines once after denyNext, with the platform words, or with the error given', () => {
    codes.denyNext();
    expect(Object.fromEntries(location(codes.redirect(request({ state: 's' }), 'https://app/cb', { code: issue })).searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'declined',
      state: 's',
    });
    expect(location(codes.redirect(request({}), 'https://app/cb', { code: issue })).searchParams.get('code')).toBe('code-1');
    expect(location(codes.redirect(request({}), 'https://app/cb', { error: 'unsupported_response_type' })).searchParams.get('error')).toBe('unsupported_response_type');
  });

  it('refuses an expired code, another redirect URI and a wrong PKCE verifier', () => {
    const pkce = createPkcePair();
    const grant = (): string => location(codes.redirect(request({ code_challenge: pkce.challenge }), 'https://app/cb', { code: issue })).searchParams.get('code') ?? '';
    const first = grant();
    now += 10 * 60_000;
    expect(codes.redeem(first, 'https://app/cb', pkce.verifier)).toEqual({ refused: 'expired' });
    expect(codes.redeem(grant(), 'https://other/cb', pkce.verifier)).toEqual({ refused: 'redirect_uri' });
    expect(codes.redeem(grant(), 'https://app/cb', createPkcePair().verifier)).toEqual({ refused: 'pkce' });
    expect(codes.redeem(grant(), 'https://app/cb', pkce.verifier)).toEqual({ grant: { user: 'ada' } });
  });

  it('ignores a challenge where the platform takes no PKCE', () => {
    const plain = new AuthorizationCodes<true>(() => now, { decline: { error: 'access_denied' }, pkce: false });
    const code = location(plain.redirect(request({ code_challenge: 'x' }), 'https://app/cb', { code: () => ({ code: 'c', grant: true }) })).searchParams.get('code');
    expect(plain.redeem(code, 'https://app/cb', undefined)).toEqual({ grant: true });
  });
});

describe('tokenClient', () => {
  it('reads the client from the form first, else from HTTP Basic', () => {
    const basic = `Basic ${Buffer.from('id-b:secret-b').toString('base64')}`;
    expect(tokenClient(request({}, { authorization: basic }), {})).toEqual({ clientId: 'id-b', clientSecret: 'secret-b' });
    expect(tokenClient(request({}, { authorization: basic }), { client_id: 'id-f', client_secret: 'secret-f' })).toEqual({ clientId: 'id-f', clientSecret: 'secret-f' });
    expect(tokenClient(request({}), {})).toEqual({ clientId: undefined, clientSecret: undefined });
  });
});
