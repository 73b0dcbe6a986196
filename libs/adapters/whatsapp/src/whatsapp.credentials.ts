import { InvalidInputError } from '@amo/presence-core';
import { whatsappManifest } from './whatsapp.manifest';

/** What the adapter needs: the Cloud API token and phone number id, plus the two webhook secrets. */
export interface WhatsAppCredentials {
  apiKey: string;
  phoneNumberId: string;
  /** Meta app secret; without it webhook POSTs cannot be verified and are all rejected. */
  appSecret?: string;
  /** The verify token chosen when subscribing; without it the hub.challenge GET is refused. */
  verifyToken?: string;
}

type CredentialKey = (typeof whatsappManifest.credentials)[number]['key'];

function aliasesOf(key: CredentialKey): readonly string[] {
  const found = whatsappManifest.credentials.find((field) => field.key === key);
  return found ? [key, ...found.aliases] : [key];
}

/** A field under its key or any alias; undefined when absent, InvalidInputError when present but not a string. */
function read(record: Readonly<Record<string, unknown>>, key: CredentialKey): string | undefined {
  for (const name of aliasesOf(key)) {
    const value = record[name];
    if (value === undefined || value === null) continue;
    // The value is never echoed: it may be a secret.
    if (typeof value !== 'string' || value.trim() === '') {
      throw new InvalidInputError(`whatsapp credentials: ${name} must be a non-empty string`);
    }
    return value.trim();
  }
  return undefined;
}

function required(record: Readonly<Record<string, unknown>>, key: CredentialKey): string {
  const value = read(record, key);
  if (value === undefined) {
    const envName = aliasesOf(key).find((alias) => alias.startsWith('WHATSAPP_'));
    throw new InvalidInputError(`whatsapp credentials: missing ${key}${envName ? ` (${envName})` : ''}`);
  }
  return value;
}

/**
 * Parses a seed-style credential record: `api_key` and `phone_number_id` (required), `app_secret` and
 * `verify_token` (for webhooks), or their `WHATSAPP_*` and camelCase aliases. Throws InvalidInputError naming
 * the first missing or malformed field.
 */
export function parseWhatsAppCredentials(record: Readonly<Record<string, unknown>>): WhatsAppCredentials {
  const credentials: WhatsAppCredentials = {
    apiKey: required(record, 'api_key'),
    phoneNumberId: required(record, 'phone_number_id'),
  };
  if (!/^\d+$/.test(credentials.phoneNumberId)) {
    throw new InvalidInputError('whatsapp credentials: phone_number_id must be the numeric id Meta shows, not the phone number');
  }
  const appSecret = read(record, 'app_secret');
  if (appSecret !== undefined) credentials.appSecret = appSecret;
  const verifyToken = read(record, 'verify_token');
  if (verifyToken !== undefined) credentials.verifyToken = verifyToken;
  return credentials;
}
