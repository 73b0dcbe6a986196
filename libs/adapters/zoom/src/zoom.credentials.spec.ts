import { InvalidInputError } from '@amo/presence-core';
import { parseZoomCredentials, ZoomSdkKeyOnlyError } from './zoom.credentials';

const seed = { account_id: 'acc-1', client_id: 'cid', client_secret: 'csecret', webhook_secret_token: 'whs' };

describe('parseZoomCredentials', () => {
  it('reads the seed keys', () => {
    expect(parseZoomCredentials(seed)).toEqual({
      accountId: 'acc-1',
      clientId: 'cid',
      clientSecret: 'csecret',
      webhookSecretToken: 'whs',
    });
  });

  it('accepts the ZOOM_* env names and camelCase, and leaves the webhook token optional', () => {
    const parsed = parseZoomCredentials({ ZOOM_ACCOUNT_ID: 'a', ZOOM_CLIENT_ID: 'b', clientSecret: ' c ' });
    expect(parsed).toEqual({ accountId: 'a', clientId: 'b', clientSecret: 'c' });
    expect(parseZoomCredentials(parsed)).toEqual(parsed);
  });

  it('rejects a record with only the seed SDK key with a typed error that says what is needed', () => {
    for (const record of [{ sdk_key: 'abc' }, { ZOOM_SDK_KEY: 'abc' }]) {
      let caught: unknown;
      try {
        parseZoomCredentials(record);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ZoomSdkKeyOnlyError);
      expect(caught).toBeInstanceOf(InvalidInputError);
      const error = caught as ZoomSdkKeyOnlyError;
      expect(error.reason).toBe('ZOOM_SDK_KEY_ONLY');
      expect(error.message).toMatch(/Meeting SDK key/);
      expect(error.message).toMatch(/cannot read anyone's presence/);
      expect(error.message).toMatch(/Server-to-Server OAuth/);
      expect(error.message).toMatch(/ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET/);
      expect(error.message).not.toContain('abc');
    }
  });

  it('ignores an SDK key next to a complete Server-to-Server app', () => {
    expect(parseZoomCredentials({ ...seed, sdk_key: 'abc' }).clientId).toBe('cid');
  });

  it('names the missing field, also when an SDK key is present', () => {
    expect(() => parseZoomCredentials({ account_id: 'a', client_id: 'b' })).toThrow(
      /missing client_secret \/ ZOOM_CLIENT_SECRET/,
    );
    expect(() => parseZoomCredentials({ sdk_key: 'k', account_id: 'a' })).toThrow(/missing client_id/);
    expect(() => parseZoomCredentials({})).toThrow(InvalidInputError);
  });

  it('names a malformed field without echoing its value', () => {
    expect(() => parseZoomCredentials({ ...seed, client_secret: 12345 })).toThrow(/client_secret must be a non-empty string/);
    expect(() => parseZoomCredentials({ ...seed, client_id: '  ' })).toThrow(/client_id must be/);
    try {
      parseZoomCredentials({ ...seed, client_secret: ['s3cr3t'] });
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cr3t');
    }
  });
});
