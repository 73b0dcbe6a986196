import { join } from 'node:path';
import { loadConfig } from './config.loader';
import { resolveStartMode, SANDBOX_DATABASE_FILE } from './start-mode';

const base = { PRESENCE_DATA_DIR: '/srv/presence', PRESENCE_DB_PATH: '/srv/presence/presence.sqlite' };
const slackEnv = { SLACK_BOT_TOKEN: 'xoxb-1-abc', SLACK_SIGNING_SECRET: 'secret-of-slack' };

describe('resolveStartMode: sandbox, database and consent from the environment and the stored connections', () => {
  it('with nothing configured or stored: sandbox, its own database file, sample people consented', async () => {
    const config = await resolveStartMode(loadConfig(base), async () => 0);
    expect(config).toMatchObject({ sandbox: true, consentDefault: true });
    expect(config.database).toEqual({ type: 'sqlite', path: join('/srv/presence', SANDBOX_DATABASE_FILE) });
  });

  it('with stored connections and nothing in the environment: connected mode on the real database, consent denied', async () => {
    const seen: unknown[] = [];
    const config = await resolveStartMode(loadConfig(base), async (database) => (seen.push(database), 2));
    expect(seen).toEqual([{ type: 'sqlite', path: '/srv/presence/presence.sqlite' }]);
    expect(config).toMatchObject({ sandbox: false, consentDefault: false, database: { type: 'sqlite', path: '/srv/presence/presence.sqlite' } });
    expect(config.notes.join('\n')).toContain('2 stored connection(s)');
  });

  it('with credentials in the environment: never asks the store, consent denied unless set', async () => {
    const never = async (): Promise<number> => {
      throw new Error('must not be asked');
    };
    expect(await resolveStartMode(loadConfig({ ...base, ...slackEnv }), never)).toMatchObject({ sandbox: false, consentDefault: false });
    const granted = await resolveStartMode(loadConfig({ ...base, ...slackEnv, PRESENCE_CONSENT_DEFAULT: 'granted' }), never);
    expect(granted.consentDefault).toBe(true);
  });

  it('PRESENCE_SANDBOX=true is sandbox whatever is stored; =false never is', async () => {
    expect(await resolveStartMode(loadConfig({ ...base, PRESENCE_SANDBOX: 'true' }), async () => 5)).toMatchObject({ sandbox: true });
    const off = await resolveStartMode(loadConfig({ ...base, PRESENCE_SANDBOX: 'false' }), async () => 0);
    expect(off).toMatchObject({ sandbox: false, consentDefault: false, database: { path: '/srv/presence/presence.sqlite' } });
  });

  it('an explicit PRESENCE_CONSENT_DEFAULT=denied holds in sandbox mode too (sample people get their own consent)', async () => {
    expect(await resolveStartMode(loadConfig({ ...base, PRESENCE_CONSENT_DEFAULT: 'denied' }), async () => 0)).toMatchObject({ sandbox: true, consentDefault: false });
  });

  it('in cluster mode, sandbox keeps the shared PostgreSQL in its own schema and its own Redis prefix', async () => {
    const cluster = { DATABASE_URL: 'postgres://postgres@127.0.0.1/presence', REDIS_URL: 'redis://127.0.0.1:6379' };
    const plain = await resolveStartMode(loadConfig({ ...base, ...cluster }), async () => 0);
    expect(plain).toMatchObject({ sandbox: true, database: { type: 'postgres', url: cluster.DATABASE_URL, schema: 'sandbox' } });
    expect(plain.cluster?.redisPrefix).toBe('presence:sandbox:');
    const named = await resolveStartMode(loadConfig({ ...base, ...cluster, PRESENCE_DATABASE_SCHEMA: 'team_a', PRESENCE_REDIS_PREFIX: 'a:' }), async () => 0);
    expect(named.database).toEqual({ type: 'postgres', url: cluster.DATABASE_URL, schema: 'team_a_sandbox' });
    expect(named.cluster?.redisPrefix).toBe('a:sandbox:');
    const real = await resolveStartMode(loadConfig({ ...base, ...cluster, ...slackEnv, PRESENCE_DATABASE_SCHEMA: 'team_a' }));
    expect(real.database).toEqual({ type: 'postgres', url: cluster.DATABASE_URL, schema: 'team_a' });
    expect(real.cluster?.redisPrefix).toBe('presence:');
  });
});
