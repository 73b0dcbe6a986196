import { InvalidInputError } from '@amo/presence-core';
import { parseLinkedInCredentials } from './linkedin.credentials';

describe('parseLinkedInCredentials', () => {
  it('reads the seed keys', () => {
    expect(parseLinkedInCredentials({ client_id: 'id', client_secret: 's', access_token: 'tok' })).toEqual({ clientId: 'id', clientSecret: 's', accessToken: 'tok' });
  });

  it('accepts an access token alone, or client id and secret alone (for the flow)', () => {
    expect(parseLinkedInCredentials({ LINKEDIN_ACCESS_TOKEN: 'tok' })).toEqual({ accessToken: 'tok' });
    expect(parseLinkedInCredentials({ clientId: 'id', clientSecret: 's' })).toEqual({ clientId: 'id', clientSecret: 's' });
  });

  it('reads a refresh token and the expiry as epoch ms or ISO date', () => {
    const base = { client_id: 'id', client_secret: 's', access_token: 'tok', refresh_token: 'r' };
    expect(parseLinkedInCredentials({ ...base, expires_at: 1_700_000_000_000 }).accessTokenExpiresAt).toBe(1_700_000_000_000);
    expect(parseLinkedInCredentials({ ...base, expires_at: '1700000000000' }).accessTokenExpiresAt).toBe(1_700_000_000_000);
    expect(parseLinkedInCredentials({ ...base, expiresAt: '2023-11-14T22:13:20.000Z' }).accessTokenExpiresAt).toBe(1_700_000_000_000);
    expect(() => parseLinkedInCredentials({ ...base, expires_at: 'soon' })).toThrow(/expires_at must be epoch/);
  });

  it('names what is missing', () => {
    expect(() => parseLinkedInCredentials({})).toThrow(InvalidInputError);
    expect(() => parseLinkedInCredentials({})).toThrow(/access_token \(LINKEDIN_ACCESS_TOKEN\), or client_id \(LINKEDIN_CLIENT_ID\) and client_secret/);
    expect(() => parseLinkedInCredentials({ client_id: 'id' })).toThrow(/or client_secret \(LINKEDIN_CLIENT_SECRET\) to run/);
    expect(() => parseLinkedInCredentials({ access_token: 'tok', refresh_token: 'r' })).toThrow(/refresh_token needs client_id/);
  });

  it('rejects malformed values without echoing them', () => {
    expect(() => parseLinkedInCredentials({ access_token: 42 })).toThrow(/access_token must be a non-empty string/);
    try {
      parseLinkedInCredentials({ access_token: 'supersecret', client_secret: '' });
    } catch (error) {
      expect(String(error)).toContain('client_secret');
      expect(String(error)).not.toContain('supersecret');
    }
  });
});
