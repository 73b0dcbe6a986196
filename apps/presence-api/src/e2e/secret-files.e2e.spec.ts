import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bootService, captureOutput, type RunningService, tempDir } from './harness.spec-helper';

const APP = resolve(__dirname, '..', '..');

/** Runs `node src/main.ts` from `cwd` until it exits; the output and the exit code. */
function runMain(cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['-r', join(APP, 'test', 'ts-register.cjs'), join(APP, 'src', 'main.ts')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  return new Promise((done) => child.once('exit', (code) => done({ code, output })));
}

describe('generated secret files: ./data/admin-token and ./data/encryption-key', () => {
  const root = tempDir();
  const data = join(root.path, 'data');
  const tokenFile = join(data, 'admin-token');
  const keyFile = join(data, 'encryption-key');
  // Neither secret is configured (blank counts as unset), as on a first `npm start`.
  const env = { PRESENCE_API_TOKEN: '', PRESENCE_ENCRYPTION_KEY: '', PRESENCE_LOG_LEVEL: 'debug' };

  afterAll(() => root.remove());

  async function start(): Promise<{ service: RunningService; log: string }> {
    const output = captureOutput();
    try {
      const service = await bootService({ dataDir: data, env });
      return { service, log: output.text() };
    } finally {
      output.restore();
    }
  }

  const fingerprint = (log: string): string | undefined => /ready \(key ([0-9a-f]+)\)/.exec(log)?.[1];
  let firstFingerprint: string | undefined;

  it('writes both files with mode 0600 at first start; the log names them and never shows a value', async () => {
    const { service, log } = await start();
    try {
      const token = readFileSync(tokenFile, 'utf8').trim();
      const key = readFileSync(keyFile, 'utf8').trim();
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(Buffer.from(key, 'base64')).toHaveLength(32);
      expect(log).toContain(`generated a bootstrap admin key into ${tokenFile}`);
      expect(log).toContain(`created a new key in ${keyFile}`);
      expect(log).not.toContain(token);
      expect(log).not.toContain(key);
      expect(log).not.toContain(Buffer.from(key, 'base64').toString('hex'));
      expect((await service.call('GET', '/v1/platforms', { token })).status).toBe(200);
      firstFingerprint = fingerprint(log);
      expect(firstFingerprint).toMatch(/^[0-9a-f]{8,}$/);
    } finally {
      await service.close();
    }
  });

  it('reuses them at the next start: same key, same admin token, and says so', async () => {
    const token = readFileSync(tokenFile, 'utf8');
    const key = readFileSync(keyFile, 'utf8');
    const { service, log } = await start();
    try {
      expect(readFileSync(tokenFile, 'utf8')).toBe(token);
      expect(readFileSync(keyFile, 'utf8')).toBe(key);
      expect(log).toContain(`using the key in ${keyFile}`);
      expect(log).toContain(`using the bootstrap admin key in ${tokenFile}`);
      expect(fingerprint(log)).toBe(firstFingerprint);
      expect(log).not.toContain(token.trim());
      expect(log).not.toContain(key.trim());
      expect((await service.call('GET', '/v1/platforms', { token: token.trim() })).status).toBe(200);
    } finally {
      await service.close();
    }
  });

  it('refuses a different PRESENCE_ENCRYPTION_KEY: a clear message, exit code 1, files untouched', async () => {
    const other = Buffer.alloc(32, 0x5a).toString('base64');
    const key = readFileSync(keyFile, 'utf8');
    // The service's own defaults: ./data under the working directory.
    const { code, output } = await runMain(root.path, { PORT: '0', PRESENCE_SANDBOX: 'false', PRESENCE_ENCRYPTION_KEY: other, PRESENCE_LOG_LEVEL: 'warn' });
    expect(code).toBe(1);
    expect(output).toMatch(/PRESENCE_ENCRYPTION_KEY does not match the key \.\/data\/presence\.sqlite was encrypted with/);
    expect(output).toContain('Nothing was changed');
    expect(output).not.toContain(other);
    expect(output).not.toContain(key.trim());
    expect(readFileSync(keyFile, 'utf8')).toBe(key);
  }, 60_000);
});
