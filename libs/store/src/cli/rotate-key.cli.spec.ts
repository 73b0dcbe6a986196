import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openStore } from '../open-store';
import { backends, OTHER_KEY, TEST_KEY } from '../test-support/store.test-helpers';
import { keyFingerprint } from '../vault/credential-vault';
import { runRotateKeyCli } from './rotate-key.cli';

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { env, out: (line: string) => out.push(line), err: (line: string) => err.push(line) } };
}

describe('rotate-key command', () => {
  const [sqlite] = backends(undefined);

  it('rotates an SQLite database, reading keys from the environment, and never prints them', async () => {
    const database = await sqlite.createDatabase();
    try {
      if (database.config.type !== 'sqlite') throw new Error('expected sqlite');
      const store = await openStore({ database: database.config, encryptionKey: TEST_KEY });
      await store.connections.save({ platform: 'zoom', kind: 'app', credentials: { clientSecret: 'z' } });
      await store.close();

      const run = io({ PRESENCE_ENCRYPTION_KEY_OLD: TEST_KEY, PRESENCE_ENCRYPTION_KEY_NEW: OTHER_KEY });
      expect(await runRotateKeyCli(['--sqlite', database.config.path], run.io)).toBe(0);
      expect(run.out).toEqual([`re-encrypted 1 connection(s) and 0 platform secret(s); new key fingerprint ${keyFingerprint(OTHER_KEY)}`]);

      const again = io();
      expect(await runRotateKeyCli(['--sqlite', database.config.path, '--old', TEST_KEY, '--new', OTHER_KEY], again.io)).toBe(1);
      expect(again.err.join('\n')).toMatch(/nothing was changed: .*does not match/);
      expect(again.err.join('\n')).not.toContain(TEST_KEY);

      const rotated = await openStore({ database: database.config, encryptionKey: OTHER_KEY });
      expect((await rotated.connections.credentials('zoom'))?.reveal()).toEqual({ clientSecret: 'z' });
      await rotated.close();
    } finally {
      await database.cleanup();
    }
  });

  it('explains its usage and refuses a missing database', async () => {
    const bad = io();
    expect(await runRotateKeyCli(['--bogus', 'x'], bad.io)).toBe(2);
    expect(bad.err[0]).toMatch(/unexpected argument --bogus\nusage:/);
    expect(await runRotateKeyCli(['--old', TEST_KEY], bad.io)).toBe(2);
    expect(await runRotateKeyCli(['--sqlite', '/nonexistent/presence.db', '--old', TEST_KEY, '--new', OTHER_KEY], bad.io)).toBe(1);
    expect(bad.err.at(-1)).toBe('no database at /nonexistent/presence.db');
  });

  it('runs as a script with plain node (no build step)', async () => {
    const script = join(__dirname, '..', '..', 'scripts', 'rotate-key.cjs');
    const result = await promisify(execFile)(process.execPath, [script, '--sqlite', '/nonexistent.db', '--old', 'a', '--new', 'b']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(result).toMatchObject({ code: 1, stderr: 'no database at /nonexistent.db\n' });
    // A plain node start transpiles the store's sources first: seconds on a loaded machine.
  }, 60_000);
});
