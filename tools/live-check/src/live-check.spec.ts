import type { Platform } from '@amo/presence-core';
import { type Sandbox, startSandbox } from '@amo/presence-sandbox';
import { EXIT, runLiveCheck } from './live-check';
import { PLATFORM_ENV } from './service-wiring';

const BASE_URL_ENV = {
  discordApi: 'DISCORD_API_BASE_URL',
  slackApi: 'SLACK_API_BASE_URL',
  graphApi: 'GRAPH_API_BASE_URL',
  microsoftLogin: 'MICROSOFT_LOGIN_BASE_URL',
  zoomApi: 'ZOOM_API_BASE_URL',
  zoomOAuth: 'ZOOM_OAUTH_BASE_URL',
  whatsappGraph: 'WHATSAPP_GRAPH_BASE_URL',
  linkedinApi: 'LINKEDIN_API_BASE_URL',
  linkedinOAuth: 'LINKEDIN_OAUTH_BASE_URL',
} as const;

/** The environment an operator would set for these platforms, pointed at the sandbox's emulators. */
function envFor(sandbox: Sandbox, platforms: readonly Platform[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const platform of platforms) {
    const record = sandbox.credentials[platform] ?? {};
    const spec = PLATFORM_ENV[platform];
    for (const [name, key] of [...spec.required, ...spec.optional]) if (record[key] !== undefined) env[name] = record[key];
  }
  for (const [key, name] of Object.entries(BASE_URL_ENV)) {
    const url = sandbox.baseUrls[key as keyof typeof BASE_URL_ENV];
    if (url) env[name] = url;
  }
  return env;
}

async function run(argv: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runLiveCheck(argv, { env, out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function secretValues(env: Record<string, string>): string[] {
  return Object.entries(env)
    .filter(([name]) => /TOKEN|SECRET|KEY/.test(name))
    .map(([, value]) => value);
}

describe('live-check without credentials', () => {
  it('exits 2 and names every variable each platform needs, secrets marked, no values', async () => {
    const { code, err, out } = await run([], { PATH: '/usr/bin', SLACK_API_BASE_URL: 'http://127.0.0.1:9/api' });
    expect(code).toBe(EXIT.usage);
    expect(out).toBe('');
    expect(err).toContain('no credentials for any platform');
    expect(err).toContain('slack     SLACK_BOT_TOKEN (secret); optional SLACK_SIGNING_SECRET (secret), SLACK_APP_TOKEN (secret)');
    expect(err).toContain('discord   DISCORD_BOT_TOKEN (secret), DISCORD_GUILD_ID');
    expect(err).toContain('teams     TEAMS_TENANT_ID, TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET (secret)');
    expect(err).toContain('zoom      ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET (secret)');
    expect(err).toContain('whatsapp  WHATSAPP_API_KEY (secret), WHATSAPP_PHONE_NUMBER_ID');
    expect(err).toContain('linkedin  LINKEDIN_ACCESS_TOKEN (secret)');
    expect(err).toContain('SLACK_API_BASE_URL');
  });

  it('exits 2 for --platform teams when only slack is configured, naming what teams needs', async () => {
    const { code, err } = await run(['--platform', 'teams'], { SLACK_BOT_TOKEN: 'xoxb-not-used-here' });
    expect(code).toBe(EXIT.usage);
    expect(err).toContain('no credentials for teams');
    expect(err).toContain('TEAMS_CLIENT_SECRET (secret)');
    expect(err).not.toContain('SLACK_BOT_TOKEN');
  });

  it('exits 2 on a bad flag or a bad variable, saying which', async () => {
    expect(await run(['--platform', 'myspace'], {})).toMatchObject({ code: EXIT.usage, err: expect.stringContaining('unknown platform "myspace"') });
    expect(await run(['--people'], {})).toMatchObject({ code: EXIT.usage, err: expect.stringContaining('--people needs a value') });
    const badUrl = await run([], { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_API_BASE_URL: 'slack.com' });
    expect(badUrl).toMatchObject({ code: EXIT.usage, err: expect.stringContaining('SLACK_API_BASE_URL must be an http(s) URL') });
  });
});

describe('live-check against the Slack and Zoom emulators', () => {
  let sandbox: Sandbox;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox({ platforms: ['slack', 'zoom'], people: 4, changeEveryMs: 0 });
    env = envFor(sandbox, ['slack', 'zoom']);
  });
  afterAll(() => sandbox.close());

  const account = (userId: string, platform: Platform): string => {
    const id = sandbox.people.find((person) => person.userId === userId)?.accounts[platform];
    if (!id) throw new Error(`${userId} has no ${platform} account`);
    return id;
  };

  it('prints native and normalized values, latencies and budgets for the given ids on both platforms', async () => {
    const people = ['alice', 'bob'].map((userId) => `slack:${account(userId, 'slack')}`);
    people.push(...['alice', 'dave'].map((userId) => `zoom:${account(userId, 'zoom')}`));
    const { code, out, err } = await run(['--people', people.join(',')], env);

    expect(err).toBe('');
    expect(code).toBe(EXIT.ok);
    expect(out).toContain(`== slack (${env.SLACK_API_BASE_URL})`);
    expect(out).toContain(`== zoom (${env.ZOOM_API_BASE_URL})`);
    expect(out).toMatch(new RegExp(`${account('alice', 'slack')}\\s+away\\s+away\\s`));
    expect(out).toMatch(new RegExp(`${account('bob', 'slack')}\\s+active\\s+online\\s`));
    expect(out).toMatch(new RegExp(`${account('alice', 'zoom')}\\s+In_A_Zoom_Meeting\\s+busy\\s+\\S+\\s+In a Zoom meeting`));
    expect(out).toMatch(new RegExp(`${account('dave', 'zoom')}\\s+Available\\s+online\\s`));
    expect(out).toMatch(/connect: [\d.]+ ms/);
    expect(out).toMatch(/read 2 id\(s\): [\d.]+ ms/);
    expect(out).toMatch(/GET 127\.0\.0\.1:\d+\/api\/users\.getPresence\s+2\s+200 x2\s+[\d.]+ ms\s+[\d.]+ ms/);
    expect(out).toMatch(/POST 127\.0\.0\.1:\d+\/oauth\/token\s+1\s+200/);
    expect(out).toMatch(/GET 127\.0\.0\.1:\d+\/v2\/users\/\{id\}\/presence_status\s+2\s+200 x2/);
    expect(out).toMatch(/budgets in use: .*slack:users\.getPresence 2\/50 per 60 s/);
    expect(out).toMatch(/budgets in use: .*zoom/);
    expect(out).toContain('== real presence read from 2 platform(s): slack, zoom');
    for (const secret of secretValues(env)) expect(out).not.toContain(secret);
  });

  it('reports an id the platform does not know as not found', async () => {
    const { code, out } = await run(['--platform', 'slack', '--people', `${account('alice', 'slack')},UNOBODY00`], env);
    expect(code).toBe(EXIT.ok);
    expect(out).toMatch(/UNOBODY00\s+-\s+-\s+-\s+not found on the platform/);
    expect(out).not.toContain('== zoom');
  });

  it('prints the error code of a bad token, never the token, and exits non-zero', async () => {
    const bad = { ...env, SLACK_BOT_TOKEN: 'xoxb-revoked-0000000000', ZOOM_CLIENT_SECRET: 'wrong-zoom-client-secret' };
    const { code, out } = await run(['--people', `slack:${account('alice', 'slack')},zoom:${account('alice', 'zoom')}`], bad);

    expect(code).toBe(EXIT.failed);
    expect(out).toMatch(/== slack[\s\S]*error: AUTH_INVALID.* at connect: /);
    expect(out).toMatch(/== zoom[\s\S]*error: AUTH_INVALID.* at connect: /);
    expect(out).toContain('failed: slack (AUTH_INVALID), zoom (AUTH_INVALID)');
    expect(out).toContain('== real presence read from 0 platform(s)');
    expect(out).toMatch(new RegExp(`${account('alice', 'slack')}\\s+-\\s+-\\s+-\\s+not read: see the error below`));
    for (const secret of secretValues(bad)) expect(out).not.toContain(secret);
  });
});

describe('live-check against the Discord and WhatsApp emulators', () => {
  let sandbox: Sandbox;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox({ platforms: ['discord', 'whatsapp'], people: 6, changeEveryMs: 0 });
    env = envFor(sandbox, ['discord', 'whatsapp']);
  });
  afterAll(() => sandbox.close());

  it('without --people shows the members the gateway reported, and says WhatsApp has nothing to read', async () => {
    const { code, out } = await run(['--limit', '10'], env);

    expect(code).toBe(EXIT.ok);
    expect(out).toContain('initial state from the live connection');
    expect(out).toContain('accounts (the first the platform shows):');
    const discord = (userId: string): string => sandbox.people.find((person) => person.userId === userId)?.accounts.discord ?? '?';
    expect(out).toMatch(new RegExp(`${discord('alice')}\\s+online\\s+online\\s`));
    expect(out).toMatch(new RegExp(`${discord('carol')}\\s+dnd\\s+busy\\s`));
    expect(out).toMatch(/GET 127\.0\.0\.1:\d+\/api\/v10\/gateway\/bot|GET 127\.0\.0\.1:\d+\/.*gateway\/bot/);
    expect(out).toMatch(/connection up|connection down/);
    expect(out).toMatch(/== whatsapp[\s\S]*note: whatsapp has no presence API[\s\S]*nothing to read without webhooks/);
    expect(out).toContain('== real presence read from 1 platform(s): discord');
    for (const secret of secretValues(env)) expect(out).not.toContain(secret);
  });

  it('with --limit 2 shows two members', async () => {
    // A fresh emulator: Discord (and its emulator) refuse a second IDENTIFY within 5 s of the first.
    const own = await startSandbox({ platforms: ['discord'], people: 6, changeEveryMs: 0 });
    try {
      const { code, out } = await run(['--platform', 'discord', '--limit', '2'], envFor(own, ['discord']));
      expect(code).toBe(EXIT.ok);
      const section = out.slice(out.indexOf('accounts ('), out.indexOf('calls:'));
      expect(section.split('\n').filter((line) => /^\s+\d{5,}\s/.test(line))).toHaveLength(2);
    } finally {
      await own.close();
    }
  });
});

describe('live-check with more Slack ids than one sweep step reads', () => {
  it('reads over several steps within the Tier 3 budget, with no 429, and says which ids the budget left unread', async () => {
    const sandbox = await startSandbox({ platforms: ['slack'], people: 40, changeEveryMs: 0 });
    try {
      const ids = sandbox.people.flatMap((person) => (person.accounts.slack ? [person.accounts.slack] : [])).slice(0, 40);
      expect(ids.length).toBeGreaterThan(25);
      const { code, out } = await run(['--people', ids.join(',')], envFor(sandbox, ['slack']));

      expect(code).toBe(EXIT.ok);
      expect(out.match(/read \d+ id\(s\)/g)?.length).toBeGreaterThan(1);
      const read = ids.filter((id) => new RegExp(`${id}\\s+(active|away)\\s+(online|away|busy)\\s`).test(out));
      const unread = ids.filter((id) => new RegExp(`${id}\\s+-\\s+-\\s+-\\s+not read: the adapter had no budget left for it now`).test(out));
      expect(read.length).toBeGreaterThan(25);
      expect(read.length + unread.length).toBe(ids.length);
      const presenceCalls = Number(/users\.getPresence\s+(\d+)\s/.exec(out)?.[1]);
      expect(presenceCalls).toBe(read.length);
      expect(presenceCalls).toBeLessThanOrEqual(50);
      expect(out).not.toMatch(/\b429\b/);
    } finally {
      await sandbox.close();
    }
  });
});
