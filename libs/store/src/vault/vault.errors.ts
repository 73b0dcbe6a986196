/** The configured key is not the one this database was encrypted with; the service must not start. */
export class VaultKeyMismatchError extends Error {
  override readonly name = 'VaultKeyMismatchError';
  readonly code = 'VAULT_KEY_MISMATCH';

  constructor(readonly expectedFingerprint: string, readonly actualFingerprint: string) {
    super(
      `the encryption key does not match the one this database was encrypted with ` +
        `(stored fingerprint ${expectedFingerprint}, configured key ${actualFingerprint}); ` +
        `configure the original key, or rotate with rotateEncryptionKey`,
    );
  }
}

/** A value failed authentication: tampered, truncated, or sealed for another row. Never includes the value. */
export class VaultDecryptError extends Error {
  override readonly name = 'VaultDecryptError';
  readonly code = 'VAULT_DECRYPT_FAILED';
}

/** The key is malformed (not base64 of 32 bytes), or no key was configured and a secret was needed. */
export class VaultKeyError extends Error {
  override readonly name = 'VaultKeyError';
  readonly code = 'VAULT_KEY_INVALID';
}
