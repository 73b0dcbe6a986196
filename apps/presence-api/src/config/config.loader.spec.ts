import { hostname } from 'node:os';
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

  it('is in cluster mode only with a postgres:// DATABASE_URL and REDIS_URL both set', () => {
    const pg = { DATABASE_URL: 'postgres://postgres@127.0.0.1/presence' };
    expect(loadConfig({}).cluster).toBeUndefined();
    expect(loadConfig(pg).cluster).toBeUndefined();
    const redisOnly = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(redisOnly.cluster).toBeUndefined();
    expect(redisOnly.notes.join(' ')).toMatch(/REDIS_URL is used only with a postgres:\/\/ DATABASE_URL/);
    const both = loadConfig({ ...pg, REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(both.cluster).toEqual({ redisUrl: 'redis://127.0.0.1:6379', redisPrefix: 'presence:', leaseMs: 15_000 });
    expect(both.instance).toEqual({ id: `${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9_.:-]/g, '-'), role: 'all' });
  });

  it('reads the cluster variables: role, instance id, lease, Redis prefix and PostgreSQL schema', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1/presence',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PRESENCE_ROLE: 'worker',
      PRESENCE_INSTANCE_ID: 'worker-7',
      PRESENCE_LEASE_SECONDS: '2',
      PRESENCE_REDIS_PREFIX: 'test:abc:',
      PRESENCE_DATABASE_SCHEMA: 'cluster_abc',
    });
    expect(config.instance).toEqual({ id: 'worker-7', role: 'worker' });
    expect(config.cluster).toEqual({ redisUrl: 'redis://127.0.0.1:6379', redisPrefix: 'test:abc:', leaseMs: 2000 });
    expect(config.database).toEqual({ type: 'postgres', url: 'postgres://postgres@127.0.0.1/presence', schema: 'cluster_abc' });
  });

  it('runs a role other than all only in cluster mode, and says so', () => {
    const alone = loadConfig({ PRESENCE_ROLE: 'api' });
    expect(alone.instance.role).toBe('all');
    expect(alone.notes.join(' ')).toMatch(/PRESENCE_ROLE=api applies in cluster mode only/);
  });

  it('rejects a bad role, lease, instance id, prefix or schema by name', () => {
    let message = '';
    try {
      loadConfig({ PRESENCE_ROLE: 'boss', PRESENCE_LEASE_SECONDS: '1', PRESENCE_INSTANCE_ID: 'a b', PRESENCE_REDIS_PREFIX: 'x y', PRESENCE_DATABASE_SCHEMA: 'Drop;' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/PRESENCE_ROLE must be api, worker or all/);
    expect(message).toMatch(/PRESENCE_LEASE_SECONDS must be at least 2 seconds/);
    expect(message).toMatch(/PRESENCE_INSTANCE_ID must be 1 to 64 letters/);
    expect(message).toMatch(/PRESENCE_REDIS_PREFIX must be 1 to 64 letters/);
    expect(message).toMatch(/PRESENCE_DATABASE_SCHEMA must be a PostgreSQL schema name/);
  });
});
