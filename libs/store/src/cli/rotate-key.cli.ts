import { existsSync } from 'node:fs';
import { createDataSource, type DatabaseConfig, initializeDataSource } from '../data-source';
import { rotateEncryptionKey } from '../vault/key-rotation';

/** What the command touches outside itself; the script passes the real process's. */
export interface RotateKeyCliIo {
  env: Readonly<Record<string, string | undefined>>;
  out(line: string): void;
  err(line: string): void;
}

export const ROTATE_KEY_USAGE = [
  'usage: npm run rotate-key -- [--sqlite PATH | --postgres URL [--schema NAME]] [--old KEY] [--new KEY]',
  '  --sqlite PATH   the SQLite file (default ./data/presence.db)',
  '  --postgres URL  a PostgreSQL database instead',
  '  --old, --new    base64 32-byte keys; or set PRESENCE_ENCRYPTION_KEY_OLD / PRESENCE_ENCRYPTION_KEY_NEW',
  'Stop the service first; start it again with PRESENCE_ENCRYPTION_KEY set to the new key.',
].join('\n');

const FLAGS = new Set(['--sqlite', '--postgres', '--schema', '--old', '--new']);

function parseArgs(argv: readonly string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (!FLAGS.has(flag) || value === undefined || value.startsWith('--')) throw new Error(`unexpected argument ${flag}`);
    args.set(flag, value);
  }
  return args;
}

/**
 * `npm run rotate-key`: re-encrypts every stored secret from the old key to the new one in one transaction.
 * Returns the exit code. Never prints a key; errors name the problem only.
 */
export async function runRotateKeyCli(argv: readonly string[], io: RotateKeyCliIo): Promise<number> {
  let args: Map<string, string>;
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n${ROTATE_KEY_USAGE}`);
    return 2;
  }
  const oldKey = args.get('--old') ?? io.env.PRESENCE_ENCRYPTION_KEY_OLD;
  const newKey = args.get('--new') ?? io.env.PRESENCE_ENCRYPTION_KEY_NEW;
  if (!oldKey || !newKey) {
    io.err(`both the old and the new key are required\n${ROTATE_KEY_USAGE}`);
    return 2;
  }
  const postgres = args.get('--postgres');
  const config: DatabaseConfig = postgres
    ? { type: 'postgres', url: postgres, schema: args.get('--schema'), poolSize: 1 }
    : { type: 'sqlite', path: args.get('--sqlite') ?? './data/presence.db' };
  if (config.type === 'sqlite' && !existsSync(config.path)) {
    io.err(`no database at ${config.path}`);
    return 1;
  }
  const dataSource = createDataSource(config);
  try {
    await initializeDataSource(dataSource, config);
    const report = await rotateEncryptionKey(dataSource, oldKey, newKey);
    io.out(
      `re-encrypted ${report.connections} connection(s) and ${report.platformStates} platform secret(s); ` +
        `new key fingerprint ${report.fingerprint}`,
    );
    return 0;
  } catch (error) {
    io.err(`rotation failed, nothing was changed: ${(error as Error).message}`);
    return 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}
