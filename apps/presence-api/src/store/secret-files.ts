import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const ENCRYPTION_KEY_FILE = 'encryption-key';
export const ADMIN_TOKEN_FILE = 'admin-token';

export interface SecretFile {
  value: string;
  path: string;
  created: boolean;
}

/**
 * Reads a secret from a file under the data folder, or creates it (mode 0600) with `generate()`. The
 * caller logs the path, never the value.
 */
export function readOrCreateSecretFile(dataDir: string, name: string, generate: () => string): SecretFile {
  const path = join(dataDir, name);
  if (existsSync(path)) {
    const value = readFileSync(path, 'utf8').trim();
    if (value.length > 0) return { value, path, created: false };
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const value = generate();
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  // The umask cannot widen 0600, but a pre-existing empty file keeps its own mode: set it explicitly.
  chmodSync(path, 0o600);
  return { value, path, created: true };
}

export const generateEncryptionKeyText = (): string => randomBytes(32).toString('base64');
export const generateAdminToken = (): string => `amo_${randomBytes(32).toString('base64url')}`;
