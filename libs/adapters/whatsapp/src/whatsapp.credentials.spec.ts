import { InvalidInputError } from '@amo/presence-core';
import { parseWhatsAppCredentials } from './whatsapp.credentials';

describe('parseWhatsAppCredentials', () => {
  it('reads the seed keys', () => {
    expect(parseWhatsAppCredentials({ api_key: ' tok ', phone_number_id: '106540352242922', app_secret: 's', verify_token: 'v' })).toEqual({
      apiKey: 'tok',
      phoneNumberId: '106540352242922',
      appSecret: 's',
      verifyToken: 'v',
    });
  });

  it('reads the env names and camelCase aliases, leaving webhook secrets optional', () => {
    expect(parseWhatsAppCredentials({ WHATSAPP_API_KEY: 'tok', phoneNumberId: '42' })).toEqual({ apiKey: 'tok', phoneNumberId: '42' });
  });

  it('names the missing field without echoing values', () => {
    expect(() => parseWhatsAppCredentials({ phone_number_id: '42' })).toThrow(InvalidInputError);
    expect(() => parseWhatsAppCredentials({ phone_number_id: '42' })).toThrow(/api_key \(WHATSAPP_API_KEY\)/);
    expect(() => parseWhatsAppCredentials({ api_key: 'tok' })).toThrow(/phone_number_id/);
  });

  it('rejects malformed values', () => {
    expect(() => parseWhatsAppCredentials({ api_key: 42, phone_number_id: '42' })).toThrow(/api_key must be a non-empty string/);
    expect(() => parseWhatsAppCredentials({ api_key: 'supersecret', phone_number_id: '+1 555 0100' })).toThrow(/numeric id/);
    try {
      parseWhatsAppCredentials({ api_key: 'supersecret', app_secret: '', phone_number_id: '1' });
    } catch (error) {
      expect(String(error)).not.toContain('supersecret');
    }
  });
});
