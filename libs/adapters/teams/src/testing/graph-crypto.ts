import { constants, createCipheriv, createHmac, publicEncrypt, randomBytes, type X509Certificate } from 'node:crypto';
import type { GraphEncryptedContent } from '../teams.crypto';

/**
 * Encrypts a resource the way Graph does for `includeResourceData`: a fresh AES-256 key, CBC with the first
 * 16 key bytes as IV, HMAC-SHA256 over the ciphertext, and the key itself RSA-OAEP encrypted to the certificate.
 */
export function encryptForCertificate(resource: unknown, certificate: X509Certificate, certificateId: string): GraphEncryptedContent {
  const key = randomBytes(32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  const data = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final()]);
  return {
    data: data.toString('base64'),
    dataSignature: createHmac('sha256', key).update(data).digest('base64'),
    dataKey: publicEncrypt({ key: certificate.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING }, key).toString('base64'),
    encryptionCertificateId: certificateId,
    encryptionCertificateThumbprint: certificate.fingerprint.replace(/:/g, ''),
  };
}
