import { constants, createDecipheriv, createHmac, createPrivateKey, type KeyObject, privateDecrypt, timingSafeEqual, X509Certificate } from 'node:crypto';
import type { ChangeNotificationEncryptedContent } from '@microsoft/microsoft-graph-types';

/** Graph's `encryptedContent` of a rich notification (includeResourceData), with the parts decryption needs. */
export type GraphEncryptedContent = ChangeNotificationEncryptedContent & { data: string; dataSignature: string; dataKey: string };

/** The private key matching the certificate given when subscribing, by `encryptionCertificateId`. */
export interface GraphDecryptionKey {
  certificateId: string;
  privateKey: string | KeyObject;
}

export class GraphDecryptionError extends Error {
  override readonly name = 'GraphDecryptionError';
}

/** Picks the key for a payload; undefined when none matches (a rotated-away certificate). */
export function findDecryptionKey(keys: readonly GraphDecryptionKey[] | undefined, content: GraphEncryptedContent): GraphDecryptionKey | undefined {
  if (!keys || keys.length === 0) return undefined;
  if (content.encryptionCertificateId === undefined) return keys.length === 1 ? keys[0] : undefined;
  return keys.find((key) => key.certificateId === content.encryptionCertificateId);
}

/**
 * Decrypts a rich notification as Graph documents it: the symmetric key is RSA-OAEP encrypted with our
 * certificate; HMAC-SHA256 of the ciphertext under that key must equal `dataSignature` (checked before
 * decrypting); the data is AES-CBC/PKCS7 with the first 16 key bytes as IV. Throws GraphDecryptionError.
 */
export function decryptGraphContent(content: GraphEncryptedContent, key: GraphDecryptionKey): unknown {
  let symmetricKey: Buffer;
  try {
    const privateKey = typeof key.privateKey === 'string' ? createPrivateKey(key.privateKey) : key.privateKey;
    symmetricKey = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING }, Buffer.from(content.dataKey, 'base64'));
  } catch (error) {
    throw new GraphDecryptionError(`cannot decrypt dataKey: ${(error as Error).message}`);
  }
  if (symmetricKey.length !== 32) throw new GraphDecryptionError('dataKey is not a 256-bit key');
  const data = Buffer.from(content.data, 'base64');
  const expected = createHmac('sha256', symmetricKey).update(data).digest();
  const presented = Buffer.from(content.dataSignature, 'base64');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) throw new GraphDecryptionError('dataSignature does not match');
  try {
    const decipher = createDecipheriv('aes-256-cbc', symmetricKey, symmetricKey.subarray(0, 16));
    const plain = Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as unknown;
  } catch (error) {
    throw new GraphDecryptionError(`cannot decrypt data: ${(error as Error).message}`);
  }
}

/** Reads a certificate given as PEM or base64 DER; throws when it is not one. */
export function readCertificate(encoded: string): X509Certificate {
  const trimmed = encoded.trim();
  return new X509Certificate(trimmed.startsWith('-----BEGIN') ? trimmed : Buffer.from(trimmed, 'base64'));
}

/** The base64 DER form Graph's `encryptionCertificate` field carries, from PEM or base64 DER. */
export function certificateBase64Der(encoded: string): string {
  return readCertificate(encoded).raw.toString('base64');
}
