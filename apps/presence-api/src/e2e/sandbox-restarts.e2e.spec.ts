import { SlackEmulator } from '@amo/presence-adapter-slack/testing';
import { type Sandbox, startSandbox } from '@amo/presence-sandbox';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bootService, eventually, type RunningService, StreamClient, tempDir } from './harness.spec-helper';

const SANDBOX_ENV = { PRESENCE_SANDBOX: '', PRESENCE_POLL_INTERVAL: '1', PRESENCE_MAX_RETRIES: '0' };

async function bootSandbox(dataDir: string): Promise<{ service: RunningService; sandbox: Sandbox }> {
  let sandbox: Sandbox | undefined;
  const service = await bootService({
    dataDir,
    env: SANDBOX_ENV,
    sandbox: async (options) => (sandbox = await startSandbox({ publicUrl: options.publicUrl, clock: options.clock, changeEveryMs: 0 })),
  });
  if (!sandbox) throw new Error('the sandbox did not start');
  return { service, sandbox };
}

async function allUp(service: RunningService): Promise<void> {
  await eventually(async () => {
    const body = (await service.call('GET', '/health', { token: null })).body;
    return Object.keys(body.platforms).length === 6 && Object.values(body.platforms).every((p: any) => p.state === 'up');
  }, 20_000);
}

describe('sandbox mode, started three times on one data folder (restarts must not poison state)', () => {
  const dir = tempDir();

  afterAll(() => dir.remove());

  it('every start connects Discord again and streams Discord and Teams changes, with sample data in its own file', async () => {
    for (let run = 1; run <= 3; run++) {
      const { service, sandbox } = await bootSandbox(dir.path);
      try {
        await allUp(service);
        const stream = await StreamClient.open(service.wsUrl);
        await stream.subscribe(['alice']);
        // Each run sets statuses the previous run did not end with, so a stale restored sequence would hide them.
        const discordStatus = run % 2 === 1 ? 'dnd' : 'idle';
        const teamsStatus = run % 2 === 1 ? 'DoNotDisturb' : 'Away';
        await sandbox.setStatus('alice', 'discord', discordStatus);
        await stream.next((m) => m.type === 'presence' && m.platform === 'discord' && m.presence.rawStatus === discordStatus, 15_000);
        await sandbox.setStatus('alice', 'teams', teamsStatus);
        await stream.next((m) => m.type === 'presence' && m.platform === 'teams' && m.presence.rawStatus?.startsWith(teamsStatus), 15_000);
        stream.close();
        expect((await service.call('GET', '/health', { token: null })).body.sandbox).toBe(true);
      } finally {
        await service.close();
      }
    }
    // Sample people live in the sandbox's own database; the real one was never created.
    expect(existsSync(join(dir.path, 'sandbox.sqlite'))).toBe(true);
    expect(existsSync(join(dir.path, 'presence.sqlite'))).toBe(false);
  }, 180_000);
});

describe('a service set up through the API comes back connected, not in sandbox mode', () => {
  const dir = tempDir();
  let slack: SlackEmulator;
  const key = Buffer.alloc(32, 5).toString('base64');

  beforeAll(async () => {
    slack = await SlackEmulator.start();
    slack.addUser('U0HANK0001', { presence: 'active' });
  });

  afterAll(async () => {
    await slack?.close();
    dir.remove();
  });

  it('connects Slack through the API, restarts with no credentials in the environment, and is connected with no sample people', async () => {
    const env = { SLACK_API_BASE_URL: slack.baseUrl, PRESENCE_ENCRYPTION_KEY: key, PRESENCE_POLL_INTERVAL: '1' };
    const first = await bootService({ dataDir: dir.path, env: { ...env, PRESENCE_SANDBOX: 'false' } });
    try {
      const connected = await first.call('POST', '/v1/platforms/slack/connect', { body: { credentials: { bot_token: slack.botToken, signing_secret: slack.signingSecret } } });
      expect(connected.status).toBe(200);
      await first.call('PUT', '/v1/users/hank/identities', { body: { slack: 'U0HANK0001' } });
    } finally {
      await first.close();
    }

    // Blank PRESENCE_SANDBOX: "auto", as a plain `npm start` with no platform variables.
    let sandboxStarted = false;
    const second = await bootService({
      dataDir: dir.path,
      env: { ...env, PRESENCE_SANDBOX: '' },
      sandbox: async () => {
        sandboxStarted = true;
        throw new Error('the sandbox must not start');
      },
    });
    try {
      expect((await second.call('GET', '/health', { token: null })).body.sandbox).toBe(false);
      const slackStatus = await eventually(async () => {
        const platform = (await second.call('GET', '/v1/platforms')).body.platforms.find((p: any) => p.platform === 'slack');
        return platform?.connected ? platform : undefined;
      }, 10_000);
      expect(slackStatus).toMatchObject({ connected: true, source: 'stored' });
      expect((await second.call('GET', '/v1/users')).body.users.map((u: any) => u.userId)).toEqual(['hank']);
      const hank = await eventually(async () => (await second.call('GET', '/v1/presence/hank')).body?.platforms?.slack?.lastUpdated && true, 10_000);
      expect(hank).toBe(true);
      expect(sandboxStarted).toBe(false);
    } finally {
      await second.close();
    }
    expect(existsSync(join(dir.path, 'sandbox.sqlite'))).toBe(false);
  }, 60_000);
});

describe('consent: outside sandbox mode a person is monitored once consent is recorded', () => {
  const dir = tempDir();
  let slack: SlackEmulator;
  let service: RunningService;

  beforeAll(async () => {
    slack = await SlackEmulator.start();
    slack.addUser('U0IVY00001', { presence: 'active' });
    service = await bootService({
      dataDir: dir.path,
      // The operator did not set PRESENCE_CONSENT_DEFAULT: outside sandbox mode it is denied.
      env: { PRESENCE_CONSENT_DEFAULT: '', SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: slack.signingSecret, SLACK_API_BASE_URL: slack.baseUrl, PRESENCE_POLL_INTERVAL: '1' },
    });
  });

  afterAll(async () => {
    await service?.close();
    await slack?.close();
    dir.remove();
  });

  it('polls nobody before consent, and the person once consent is recorded through the preferences API', async () => {
    await service.call('PUT', '/v1/users/ivy/identities', { body: { slack: 'U0IVY00001' } });
    expect((await service.call('GET', '/v1/users/ivy/preferences')).body).toMatchObject({ consent: false, consentIsDefault: true });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const asked = (ids: string) => slack.calls('users.getPresence').filter((call) => JSON.stringify(call).includes(ids)).length;
    expect(asked('U0IVY00001')).toBe(0);
    expect((await service.call('GET', '/v1/presence/ivy')).body).toMatchObject({ available: false, platforms: {} });

    await service.call('PUT', '/v1/users/ivy/preferences', { body: { consent: true } });
    const ivy = await eventually(async () => {
      const body = (await service.call('GET', '/v1/presence/ivy')).body;
      return body?.platforms?.slack?.lastUpdated ? body : undefined;
    }, 10_000);
    expect(ivy).toMatchObject({ status: 'online', available: true });
    expect(asked('U0IVY00001')).toBeGreaterThan(0);
  });
});
