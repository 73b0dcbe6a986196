import { DiscordGatewayEmulator } from '@amo/presence-adapter-discord/testing';
import { openStore } from '@amo/presence-store';
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ADMIN_TOKEN, eventually, freePort, StreamClient, tempDir } from './harness.spec-helper';

const APP = resolve(__dirname, '..', '..');
const REGISTER = join(APP, 'test', 'ts-register.cjs');
const MAIN = join(APP, 'src', 'main.ts');
const GUILD = '41771983444115456';
const MEMBER = '80351110224678912';
const KEY = Buffer.alloc(32, 9).toString('base64');

function run(env: Record<string, string>, cwd: string): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['-r', REGISTER, MAIN], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exit };
}

describe('the process: configuration errors and a graceful SIGTERM', () => {
  const dir = tempDir();
  let discord: DiscordGatewayEmulator;

  beforeAll(async () => {
    discord = await DiscordGatewayEmulator.start();
    discord.addGuild(GUILD).addMembers(GUILD, [{ id: MEMBER, status: 'online' }]);
  });

  afterAll(async () => {
    await discord?.close();
    dir.remove();
  });

  it('exits non-zero with a message naming the bad variable, and never prints a secret', async () => {
    const { exit, output } = run({ PRESENCE_RATE_LIMIT: 'lots', PRESENCE_ENCRYPTION_KEY: 'dG9vLXNob3J0', PORT: '0' }, dir.path);
    expect(await exit).toBe(1);
    expect(output()).toMatch(/PRESENCE_RATE_LIMIT must be a whole number \(got "lots"\)/);
    expect(output()).toMatch(/PRESENCE_ENCRYPTION_KEY must be the base64 encoding of exactly 32 bytes/);
    expect(output()).not.toContain('dG9vLXNob3J0');
  }, 30_000);

  it('stops polling, closes the gateway and stream clients, writes the snapshot and exits 0 within 10 s', async () => {
    const port = await freePort();
    const service = run(
      {
        PORT: String(port),
        PRESENCE_DATA_DIR: dir.path,
        PRESENCE_DB_PATH: join(dir.path, 'presence.sqlite'),
        PRESENCE_API_TOKEN: ADMIN_TOKEN,
        PRESENCE_ENCRYPTION_KEY: KEY,
        PRESENCE_CONSENT_DEFAULT: 'granted',
        DISCORD_BOT_TOKEN: discord.token,
        DISCORD_GUILD_ID: GUILD,
        DISCORD_API_BASE_URL: discord.apiBaseUrl,
        PRESENCE_LOG_LEVEL: 'warn',
      },
      dir.path,
    );
    const url = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    await eventually(async () => (await fetch(`${url}/health`)).ok, 60_000, 100);
    await fetch(`${url}/v1/users/frank/identities`, { method: 'PUT', headers: auth, body: JSON.stringify({ discord: MEMBER }) });
    const stream = await StreamClient.open(`ws://127.0.0.1:${port}`);
    await stream.subscribe(['frank']);
    discord.setUserPresence(MEMBER, 'idle');
    await stream.next((m) => m.type === 'presence' && m.presence.status === 'idle', 10_000);
    expect(discord.openConnections).toBe(1);
    const closed = new Promise<number>((done) => stream.socket.once('close', (code) => done(code)));

    service.child.kill('SIGTERM');
    const deadline = new Promise<'late'>((done) => setTimeout(() => done('late'), 10_000).unref());
    expect(await Promise.race([service.exit, deadline])).toBe(0);
    expect(await closed).toBe(1001);
    await eventually(() => discord.openConnections === 0);

    const store = await openStore({ database: { type: 'sqlite', path: join(dir.path, 'presence.sqlite') }, encryptionKey: KEY });
    try {
      const snapshot = await store.snapshots.forPerson('frank');
      expect(snapshot.map((entry) => [entry.record.platform, entry.record.status])).toEqual([['discord', 'idle']]);
    } finally {
      await store.close();
    }
  }, 90_000);
});
