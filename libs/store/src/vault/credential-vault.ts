import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { VaultDecryptError, VaultKeyError } from './vault.errors';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';
const FINGERPRINT_LABEL = 'amo-presence-store/vault-key-fingerprint/v1';

/** An encryption key as configured (`PRESENCE_ENCRYPTION_KEY`: base64 of 32 bytes) or as raw bytes. */
export type EncryptionKeyInput = string | Buffer;

/** Decodes a base64 (or base64url) key; throws {@link VaultKeyError} without echoing the value. */
export function parseEncryptionKey(input: EncryptionKeyInput): Buffer {
  const key = typeof input === 'string' ? Buffer.from(input.trim(), 'base64') : Buffer.from(input);
  if (key.length !== 32) {
    throw new VaultKeyError(`the encryption key must be 32 bytes encoded in base64 (got ${key.length} bytes)`);
  }
  return key;
}

/** A new random key, base64: what an operator puts in `PRESENCE_ENCRYPTION_KEY`. */
export function generateEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * A stable, non-reversible name for a key (HMAC of a fixed label), stored beside the data so a
 * different key is recognised before anything is decrypted or overwritten.
 */
export function keyFingerprint(input: EncryptionKeyInput): string {
  return createHmac('sha256', parseEncryptionKey(input)).update(FINGERPRINT_LABEL).digest('hex').slice(0, 32);
}

/**
 * AES-256-GCM with a random 96-bit IV per value and the 128-bit tag stored. Each value is sealed for a
 * context (e.g. `connection:slack`) passed as additional authenticated data, so a ciphertext copied to
 * another row fails to open. Envelope: `v1.<fingerprint[0..8]>.<iv>.<tag>.<ciphertext>` (base64url).
 */
export class CredentialVault {
  readonly #key: Buffer;
  readonly fingerprint: string;

  constructor(key: EncryptionKeyInput) {
    this.#key = parseEncryptionKey(key);
    this.fingerprint = keyFingerprint(this.#key);
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.fingerprint.slice(0, 8), iv.toString('base64url'), tag.toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(envelope: string, context: string): string {
    const parts = envelope.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new VaultDecryptError(`sealed value for ${context} is malformed`);
    const [, keyId, ivText, tagText, bodyText] = parts;
    if (keyId !== this.fingerprint.slice(0, 8)) {
      throw new VaultDecryptError(`sealed value for ${context} was encrypted with another key (${keyId})`);
    }
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new VaultDecryptError(`sealed value for ${context} is malformed`);
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, this.#key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      // Deliberately no cause: OpenSSL's message says nothing useful and the caller must not see bytes.
      throw new VaultDecryptError(`sealed value for ${context} failed authentication (tampered or wrong key)`);
    }
  }

  sealJson(value: unknown, context: string): string {
    return this.encrypt(JSON.stringify(value), context);
  }

  openJson<T>(envelope: string, context: string): T {
    return JSON.parse(this.decrypt(envelope, context)) as T;
  }

  toJSON(): { fingerprint: string } {
    return { fingerprint: this.fingerprint };
  }

  [inspect.custom](): string {
    return `CredentialVault(fingerprint ${this.fingerprint})`;
  }
}

/** The additional authenticated data for each kind of sealed value. */
export const vaultContext = {
  connection: (platform: string) => `connection:${platform}`,
  platformState: (platform: string, key: string) => `state:${platform}:${key}`,
};
