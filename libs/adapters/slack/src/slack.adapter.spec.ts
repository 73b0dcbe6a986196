import { PresenceAggregator, PresenceError } from '@amo/presence-core';
import { createSlackAdapter, type SlackAdapter, type SlackAdapterConfig, slackAdapterFactory } from './slack.adapter';
import { SlackEmulator } from './testing';

const T0 = Date.UTC(2025, 5, 2, 9, 0, 0);
const sec = (ms: number) => Math.floor(ms / 1000);

let emulator: SlackEmulator;
let adapter: SlackAdapter;
const built: SlackAdapter[] = [];
const logger = { warn: jest.fn() };

function build(config: Partial<SlackAdapterConfig> = {}): SlackAdapter {
  adapter = createSlackAdapter({ botToken: emulator.botToken, baseUrl: emulator.baseUrl, maxRetries: 0, ...config }, { logger, random: () => 0 });
  built.push(adapter);
  return adapter;
}

async function failure(promise: Promise<unknown>): Promise<PresenceError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PresenceError);
  return error as PresenceError;
}

beforeEach(async () => {
  jest.useFakeTimers({ now: T0 });
  logger.warn.mockReset();
  emulator = await SlackEmulator.start();
  build();
});

afterEach(async () => {
  await Promise.all(built.splice(0).map((a) => a.close()));
  await emulator.close();
  jest.useRealTimers();
});

describe('SlackAdapter.connect', () => {
  it('checks the bot token with auth.test, sent as a Bearer header', async () => {
    await adapter.connect();
    expect(emulator.calls('auth.test')[0].headers.authorization).toBe(`Bearer ${emulator.botToken}`);
  });

  it('maps invalid_auth, token_revoked and account_inactive to AUTH_INVALID', async () => {
    expect((await failure(build({ botToken: 'xoxb-wrong' }).connect())).code).toBe('AUTH_INVALID');
    emulator.revokeToken();
    expect(await failure(build().connect())).toMatchObject({ code: 'AUTH_INVALID', message: 'Slack: token_revoked' });
    emulator.restoreToken();
    emulator.failNext('auth.test', 'account_inactive');
    expect((await failure(build().connect())).code).toBe('AUTH_INVALID');
  });
});

describe('SlackAdapter.fetchPresence', () => {
  it('reads presence, DND and custom status, and reports unknown users as notFound', async () => {
    emulator.addUser('UACTIVE', { presence: 'active', status: { status_text: 'Writing', status_emoji: ':pencil:' } });
    emulator.addUser('UAWAY', { presence: 'away' });
    emulator.addUser('UDND', { presence: 'active', dnd: { dnd_enabled: true, next_dnd_start_ts: sec(T0) - 60, next_dnd_end_ts: sec(T0) + 1800 } });
    const result = await adapter.fetchPresence(['UACTIVE', 'UAWAY', 'UDND', 'UGONE', 'UACTIVE']);
    expect(result.notFound).toEqual(['UGONE']);
    expect(result.records).toEqual([
      { platform: 'slack', accountId: 'UACTIVE', status: 'online', rawStatus: 'active', customMessage: ':pencil: Writing', observedAt: new Date(T0) },
      { platform: 'slack', accountId: 'UAWAY', status: 'away', rawStatus: 'away', observedAt: new Date(T0) },
      {
        platform: 'slack',
        accountId: 'UDND',
        status: 'busy',
        rawStatus: 'active',
        activity: 'Do not disturb',
        expiresAt: new Date((sec(T0) + 1800) * 1000),
        observedAt: new Date(T0),
      },
    ]);
    expect(emulator.calls('dnd.teamInfo').map((req) => req.query.users)).toEqual(['UACTIVE,UAWAY,UDND']);
    expect(emulator.calls('users.profile.get')).toHaveLength(3);
  });

  it('does not make a DND window that starts in the future busy until it starts', async () => {
    emulator.addUser('U1', { presence: 'active', dnd: { dnd_enabled: true, next_dnd_start_ts: sec(T0) + 600, next_dnd_end_ts: sec(T0) + 3600 } });
    const before = await adapter.fetchPresence(['U1']);
    expect(before.records[0]).toMatchObject({ status: 'online', expiresAt: new Date((sec(T0) + 600) * 1000) });
    expect(before.records[0].activity).toBeUndefined();
    await jest.advanceTimersByTimeAsync(601_000);
    const during = await adapter.fetchPresence(['U1']);
    expect(during.records[0]).toMatchObject({ status: 'busy', activity: 'Do not disturb', expiresAt: new Date((sec(T0) + 3600) * 1000) });
  });

  it('does not show a custom status whose expiration has passed', async () => {
    emulator.addUser('UOLD', { status: { status_text: 'In a meeting', status_expiration: sec(T0) - 60 } });
    emulator.addUser('UNEW', { status: { status_text: 'Lunch', status_emoji: ':taco:', status_expiration: sec(T0) + 900 } });
    const { records } = await adapter.fetchPresence(['UOLD', 'UNEW']);
    expect(records[0].customMessage).toBeUndefined();
    expect(records[1]).toMatchObject({ customMessage: ':taco: Lunch', expiresAt: new Date((sec(T0) + 900) * 1000) });
  });

  it('keeps reading presence when DND or status scopes are missing, and warns', async () => {
    emulator.addUser('U1', { presence: 'away' });
    emulator.setScopes(['users:read']);
    const { records } = await adapter.fetchPresence(['U1']);
    expect(records).toEqual([{ platform: 'slack', accountId: 'U1', status: 'away', rawStatus: 'away', observedAt: new Date(T0) }]);
    const messages = logger.warn.mock.calls.map(([, message]) => message as string);
    expect(messages).toEqual(['DND not read: Slack: missing_scope (needs dnd:read)', 'status not read: Slack: missing_scope (needs users.profile:read)']);
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(emulator.botToken);
  });

  it('throws PERMISSION_DENIED without users:read, and AUTH_INVALID once the token is revoked', async () => {
    emulator.addUser('U1');
    emulator.setScopes([]);
    expect((await failure(adapter.fetchPresence(['U1']))).code).toBe('PERMISSION_DENIED');
    emulator.setScopes(['users:read', 'dnd:read', 'users.profile:read']);
    emulator.revokeToken();
    expect((await failure(adapter.fetchPresence(['U1']))).code).toBe('AUTH_INVALID');
  });

  it('treats an HTTP 404 (wrong base URL) as an error, not as everyone being unknown', async () => {
    build({ baseUrl: `${emulator.server.url}/wrong` });
    emulator.addUser('U1');
    expect(await failure(adapter.fetchPresence(['U1']))).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('returns what it read when a later read fails, and throws when nothing was read', async () => {
    emulator.addUsers(3);
    build({ concurrency: 1 });
    emulator.server.faults.failNext(1, { status: 502 }, (req) => req.query.user === 'U00000002');
    const partial = await adapter.fetchPresence(['U00000001', 'U00000002', 'U00000003']);
    expect(partial.records.map((r) => r.accountId)).toEqual(['U00000001']);
    expect(logger.warn).toHaveBeenCalledWith({ platform: 'slack', code: 'TRANSIENT' }, 'sweep step stopped early: slack answered 502');
    // The people not read come first in the next step.
    expect((await adapter.fetchPresence(['U00000001', 'U00000002', 'U00000003'])).records.map((r) => r.accountId)).toEqual(['U00000002', 'U00000003', 'U00000001']);
    emulator.server.faults.failNext(1, { status: 503 }, '/api/users.getPresence');
    expect((await failure(adapter.fetchPresence(['U00000002']))).code).toBe('TRANSIENT');
    expect(adapter.health().lastError).toMatchObject({ code: 'TRANSIENT' });
  });

  it('refuses to work after close', async () => {
    await adapter.close();
    expect((await failure(adapter.fetchPresence(['U1']))).code).toBe('TRANSIENT');
    await expect(adapter.connect()).rejects.toThrow(/closed/);
  });
});

describe('slackAdapterFactory', () => {
  it('lets the core facade initialize Slack from a seed-style credential record', async () => {
    const aggregator = new PresenceAggregator({ adapterFactories: { slack: slackAdapterFactory({}, { maxRetries: 0 }) } });
    expect(await aggregator.initializePlatform('slack', { bot_token: emulator.botToken, base_url: emulator.baseUrl })).toBe(true);
    expect(await aggregator.initializePlatform('slack', { bot_token: 'xoxb-nope', base_url: emulator.baseUrl })).toBe(false);
    await expect(aggregator.initializePlatform('slack', {})).rejects.toThrow(/botToken is required/);
    await aggregator.close();
  });
});
