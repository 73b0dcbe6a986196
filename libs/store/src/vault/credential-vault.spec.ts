import { inspect } from 'node:util';
import { CredentialVault, generateEncryptionKey, keyFingerprint, parseEncryptionKey } from './credential-vault';
import { SecretValue } from './secret-value';
import { VaultDecryptError, VaultKeyError } from './vault.errors';

const KEY = Buffer.alloc(32, 1).toString('base64');
const OTHER = Buffer.alloc(32, 2).toString('base64');

function tamper(envelope: string, part: number): string {
  const parts = envelope.split('.');
  const bytes = Buffer.from(parts[part], 'base64url');
  bytes[0] ^= 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('CredentialVault', () => {
  const vault = new CredentialVault(KEY);

  it('round-trips text and JSON, with a fresh IV for every value', () => {
    const first = vault.encrypt('xoxb-secret-token', 'connection:slack');
    const second = vault.encrypt('xoxb-secret-token', 'connection:slack');
    expect(first).not.toEqual(second);
    expect(first).not.toContain('xoxb');
    expect(vault.decrypt(first, 'connection:slack')).toBe('xoxb-secret-token');
    expect(vault.openJson(vault.sealJson({ token: 't', n: 1 }, 'c'), 'c')).toEqual({ token: 't', n: 1 });
    const [version, keyId, iv, tag] = first.split('.');
    expect(version).toBe('v1');
    expect(keyId).toBe(vault.fingerprint.slice(0, 8));
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
  });

  it('rejects a tampered IV, tag or ciphertext, and a value moved to another row', () => {
    const sealed = vault.encrypt('secret', 'connection:slack');
    for (const part of [2, 3, 4]) {
      expect(() => vault.decrypt(tamper(sealed, part), 'connection:slack')).toThrow(VaultDecryptError);
    }
    expect(() => vault.decrypt(sealed, 'connection:teams')).toThrow(/failed authentication/);
    expect(() => vault.decrypt('v1.abc', 'c')).toThrow(/malformed/);
    const parts = sealed.split('.');
    expect(() => vault.decrypt([...parts.slice(0, 2), 'AA', ...parts.slice(3)].join('.'), 'c')).toThrow(/malformed/);
  });

  it('refuses values sealed with another key, without revealing anything', () => {
    const other = new CredentialVault(OTHER);
    const sealed = other.encrypt('super-secret', 'c');
    let message = '';
    try {
      vault.decrypt(sealed, 'c');
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/another key/);
    expect(message).not.toContain('super-secret');
    // Same key id (forged) still fails on the tag.
    const forged = [sealed.split('.')[0], vault.fingerprint.slice(0, 8), ...sealed.split('.').slice(2)].join('.');
    expect(() => vault.decrypt(forged, 'c')).toThrow(VaultDecryptError);
  });

  it('parses keys strictly and never echoes them', () => {
    expect(parseEncryptionKey(KEY)).toHaveLength(32);
    expect(parseEncryptionKey(Buffer.alloc(32))).toHaveLength(32);
    expect(() => parseEncryptionKey('c2hvcnQ=')).toThrow(VaultKeyError);
    expect(() => parseEncryptionKey('c2hvcnQ=')).not.toThrow(/c2hvcnQ/);
    expect(parseEncryptionKey(generateEncryptionKey())).toHaveLength(32);
    expect(keyFingerprint(KEY)).toBe(vault.fingerprint);
    expect(keyFingerprint(KEY)).not.toBe(keyFingerprint(OTHER));
  });

  it('shows only its fingerprint when logged or serialized', () => {
    const key = parseEncryptionKey(KEY).toString('hex');
    expect(JSON.stringify(vault)).toBe(JSON.stringify({ fingerprint: vault.fingerprint }));
    expect(inspect(vault)).not.toContain(key);
    expect(inspect(vault, { showHidden: true })).toContain(vault.fingerprint);
  });
});

describe('SecretValue', () => {
  it('hides its value from JSON, strings and inspection', () => {
    const secret = new SecretValue({ token: 'abc123' });
    expect(secret.reveal()).toEqual({ token: 'abc123' });
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(`${secret}`).toBe('[redacted]');
    expect(inspect({ secret })).not.toContain('abc123');
  });
});
