import { ConfigError, loadConfig } from './config.loader';

describe('loadConfig', () => {
  it('applies the documented defaults and turns on sandbox mode when no platform is configured', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.database).toEqual({ type: 'sqlite', path: './data/presence.sqlite' });
    expect(config.pollIntervalMs).toBe(30_000);
    expect(config.cacheTtlMs).toBe(300_000);
    expect(config.maxRetries).toBe(3);
    expect(config.defaultPolicy).toBe('highest-priority');
    expect(config.consentDefault).toBe(true);
    expect(config.storeDetails).toBe(false);
    expect(config.auditRetentionDays).toBe(7);
    expect(config.rateLimitPerMinute).toBe(600);
    expect(config.sandbox).toBe(true);
    expect(config.baseUrls.discordApi).toBe('https://discord.com/api');
  });

  it('groups platform credentials into seed-style records and leaves sandbox off', () => {
    const config = loadConfig({
      DISCORD_BOT_TOKEN: 'token-value',
      DISCORD_GUILD_ID: '123, 456',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'sign',
      PRESENCE_POLL_INTERVAL_SLACK: '60',
      PRESENCE_SANDBOX: '',
      SLACK_API_BASE_URL: 'http://127.0.0.1:9000/api/',
    });
    expect(config.sandbox).toBe(false);
    expect(config.credentials.discord).toEqual({ bot_token: 'token-value', guild_id: '123, 456' });
    expect(config.credentials.slack).toEqual({ bot_token: 'xoxb-1', signing_secret: 'sign' });
    expect(config.pollIntervalsMs).toEqual({ slack: 60_000 });
    expect(config.baseUrls.slackApi).toBe('http://127.0.0.1:9000/api');
  });

  it('keeps availability patterns for PRESENCE_PATTERN_RETENTION_DAYS, else for the audit retention', () => {
    expect(loadConfig({ PRESENCE_AUDIT_RETENTION_DAYS: '30' }).patternRetentionDays).toBe(30);
    expect(loadConfig({ PRESENCE_AUDIT_RETENTION_DAYS: '30', PRESENCE_PATTERN_RETENTION_DAYS: '90' }).patternRetentionDays).toBe(90);
    expect(() => loadConfig({ PRESENCE_PATTERN_RETENTION_DAYS: '0' })).toThrow(/PRESENCE_PATTERN_RETENTION_DAYS must be at least 1/);
  });

  it('names every bad variable in one error and never echoes a secret', () => {
    let error: unknown;
    try {
      loadConfig({ PRESENCE_POLL_INTERVAL: 'soon', PORT: '-1', PRESENCE_ENCRYPTION_KEY: 'c2hvcnQ=', PRESENCE_DEFAULT_POLICY: 'loudest' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PRESENCE_POLL_INTERVAL must be a number of seconds \(got "soon"\)/);
    expect(message).toMatch(/PORT must be at least 0/);
    expect(message).toMatch(/PRESENCE_ENCRYPTION_KEY must be the base64 encoding of exactly 32 bytes/);
    expect(message).not.toContain('c2hvcnQ=');
    expect(message).toMatch(/PRESENCE_DEFAULT_POLICY must be one of highest-priority, busy-wins/);
  });

  it('reports an incomplete platform by the variables that are missing', () => {
    expect(() => loadConfig({ TEAMS_TENANT_ID: 'tenant' })).toThrow(/TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET must be set too/);
    expect(() => loadConfig({ ZOOM_WEBHOOK_SECRET_TOKEN: 'x' })).toThrow(/ZOOM_ACCOUNT_ID/);
  });

  it('explains a Zoom SDK key instead of failing silently, and keeps LinkedIn OAuth-only credentials out of the start set', () => {
    const config = loadConfig({ ZOOM_SDK_KEY: 'sdk', LINKEDIN_CLIENT_ID: 'id', LINKEDIN_CLIENT_SECRET: 'secret' });
    expect(config.notes.join(' ')).toMatch(/Meeting SDK key/);
    expect(config.credentials.linkedin).toBeUndefined();
    expect(config.oauthClients.linkedin).toEqual({ clientId: 'id', clientSecret: 'secret' });
  });

  it('takes a Zoom client id and secret without an account id as the OAuth app only; a Server-to-Server app has no flow', () => {
    const oauthOnly = loadConfig({ ZOOM_CLIENT_ID: 'zid', ZOOM_CLIENT_SECRET: 'zsecret' });
    expect(oauthOnly.credentials.zoom).toBeUndefined();
    expect(oauthOnly.oauthClients.zoom).toEqual({ clientId: 'zid', clientSecret: 'zsecret' });
    const s2s = loadConfig({ ZOOM_ACCOUNT_ID: 'acc', ZOOM_CLIENT_ID: 'zid', ZOOM_CLIENT_SECRET: 'zsecret' });
    expect(s2s.credentials.zoom).toEqual({ account_id: 'acc', client_id: 'zid', client_secret: 'zsecret' });
    expect(s2s.oauthClients.zoom).toBeUndefined();
    expect(() => loadConfig({ ZOOM_ACCOUNT_ID: 'acc' })).toThrow(/ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET must be set too/);
  });

  it('parses booleans, consent and a PostgreSQL URL', () => {
    const config = loadConfig({
      PRESENCE_SANDBOX: 'false',
      PRESENCE_CONSENT_DEFAULT: 'denied',
      PRESENCE_STORE_DETAILS: 'true',
      DATABASE_URL: 'postgres://postgres@127.0.0.1/presence',
      PRESENCE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(config.sandbox).toBe(false);
    expect(config.consentDefault).toBe(false);
    expect(config.storeDetails).toBe(true);
    expect(config.database).toEqual({ type: 'postgres', url: 'postgres://postgres@127.0.0.1/presence' });
    expect(config.encryptionKey?.length).toBe(32);
    expect(() => loadConfig({ PRESENCE_SANDBOX: 'maybe' })).toThrow(/PRESENCE_SANDBOX must be true or false/);
  });
});
