import { InvalidInputError } from '@amo/presence-core';
import { linkedinManifest } from './linkedin.manifest';

/**
 * A member's tokens and the app's client credentials. Every field is optional on its own, but the record must
 * hold an access token or the client id and secret (to run the OAuth flow).
 */
export interface LinkedInCredentials {
  clientId?: string;
  clientSecret?: string;
  accessToken?: string;
  refreshToken?: string;
  /** Epoch ms. */
  accessTokenExpiresAt?: number;
}

type CredentialKey = (typeof linkedinManifest.credentials)[number]['key'];

function aliasesOf(key: CredentialKey): readonly string[] {
  const found = linkedinManifest.credentials.find((field) => field.key === key);
  return found ? [key, ...found.aliases] : [key];
}

function read(record: Readonly<Record<string, unknown>>, key: CredentialKey): unknown {
  for (const name of aliasesOf(key)) {
    const value = record[name];
    if (value !== undefined && value !== null) return { name, value };
  }
  return undefined;
}

function readString(record: Readonly<Record<string, unknown>>, key: CredentialKey): string | undefined {
  const found = read(record, key) as { name: string; value: unknown } | undefined;
  if (!found) return undefined;
  // The value is never echoed: it may be a secret.
  if (typeof found.value !== 'string' || found.value.trim() === '') {
    throw new InvalidInputError(`linkedin credentials: ${found.name} must be a non-empty string`);
  }
  return found.value.trim();
}

function readInstant(record: Readonly<Record<string, unknown>>, key: CredentialKey): number | undefined {
  const found = read(record, key) as { name: string; value: unknown } | undefined;
  if (!found) return undefined;
  const { name, value } = found;
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? (/^\d+$/.test(value) ? Number(value) : Date.parse(value)) : NaN;
  if (!Number.isFinite(ms) || ms <= 0) throw new InvalidInputError(`linkedin credentials: ${name} must be epoch milliseconds or an ISO date`);
  return ms;
}

/**
 * Parses a seed-style credential record: `client_id`, `client_secret`, `access_token` (the seed's keys), plus
 * `refresh_token` and `expires_at` when a flow produced them, or their `LINKEDIN_*` and camelCase aliases.
 * Throws InvalidInputError naming what is missing: an access token, or the client id and secret to get one.
 */
export function parseLinkedInCredentials(record: Readonly<Record<string, unknown>>): LinkedInCredentials {
  const credentials: LinkedInCredentials = {};
  const clientId = readString(record, 'client_id');
  const clientSecret = readString(record, 'client_secret');
  const accessToken = readString(record, 'access_token');
  const refreshToken = readString(record, 'refresh_token');
  const expiresAt = readInstant(record, 'expires_at');
  if (clientId !== undefined) credentials.clientId = clientId;
  if (clientSecret !== undefined) credentials.clientSecret = clientSecret;
  if (accessToken !== undefined) credentials.accessToken = accessToken;
  if (refreshToken !== undefined) credentials.refreshToken = refreshToken;
  if (expiresAt !== undefined) credentials.accessTokenExpiresAt = expiresAt;
  if (accessToken === undefined && (clientId === undefined || clientSecret === undefined)) {
    const missing = [
      clientId === undefined ? 'client_id (LINKEDIN_CLIENT_ID)' : undefined,
      clientSecret === undefined ? 'client_secret (LINKEDIN_CLIENT_SECRET)' : undefined,
    ].filter(Boolean).join(' and ');
    throw new InvalidInputError(
      `linkedin credentials: missing access_token (LINKEDIN_ACCESS_TOKEN), or ${missing} to run the OAuth flow`,
    );
  }
  if (refreshToken !== undefined && (clientId === undefined || clientSecret === undefined)) {
    throw new InvalidInputError('linkedin credentials: refresh_token needs client_id and client_secret to be used');
  }
  return credentials;
}
