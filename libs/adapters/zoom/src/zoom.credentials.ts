import { InvalidInputError } from '@amo/presence-core';
import { zoomManifest } from './zoom.manifest';

/**
 * A Server-to-Server OAuth app's credentials (`accountId`), or a user OAuth grant (`accessToken`, refreshed with
 * the app's client id and secret), plus the event subscription's secret token for webhooks.
 */
export interface ZoomCredentials {
  /** Server-to-Server apps. Absent for a user grant (then `accessToken` is set). */
  accountId?: string;
  clientId: string;
  clientSecret: string;
  /** Needed only to receive webhooks (signature check and URL validation). */
  webhookSecretToken?: string;
  /** A user OAuth grant: used when there is no `accountId`. */
  accessToken?: string;
  refreshToken?: string;
  /** Epoch ms. */
  accessTokenExpiresAt?: number;
}

type CredentialKey = (typeof zoomManifest.credentials)[number]['key'];

/**
 * Thrown when the record holds a Meeting SDK key and no Server-to-Server OAuth app. An SDK key lets a client
 * join meetings; no Zoom API accepts it for reading presence, so failing quietly would only hide the gap.
 */
export class ZoomSdkKeyOnlyError extends InvalidInputError {
  readonly reason = 'ZOOM_SDK_KEY_ONLY';
  readonly platform = 'zoom';

  constructor() {
    super(
      'zoom: only a Meeting SDK key (sdk_key / ZOOM_SDK_KEY) was given. A Meeting SDK key lets an app join ' +
        'meetings; it cannot read anyone\'s presence. Create a Server-to-Server OAuth app in the Zoom App ' +
        'Marketplace with the user:read:presence_status:admin scope and provide account_id, client_id and ' +
        'client_secret (ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET); add webhook_secret_token ' +
        '(ZOOM_WEBHOOK_SECRET_TOKEN) to receive user.presence_status_updated events.',
    );
  }
}

function spec(key: CredentialKey) {
  const found = zoomManifest.credentials.find((field) => field.key === key);
  if (!found) throw new Error(`zoom manifest has no credential ${key}`);
  return found;
}

/** Reads a field under its key or any alias; undefined when absent, InvalidInputError when present but bad. */
function read(record: Readonly<Record<string, unknown>>, key: CredentialKey): string | undefined {
  for (const name of [key, ...spec(key).aliases]) {
    const value = record[name];
    if (value === undefined || value === null) continue;
    // Never echo the value: it may be a secret.
    if (typeof value !== 'string' || value.trim() === '') {
      throw new InvalidInputError(`zoom credentials: ${name} must be a non-empty string`);
    }
    return value.trim();
  }
  return undefined;
}

function required(record: Readonly<Record<string, unknown>>, key: CredentialKey): string {
  const value = read(record, key);
  if (value === undefined) {
    const names = [key, ...spec(key).aliases.filter((alias) => alias.startsWith('ZOOM_'))].join(' / ');
    throw new InvalidInputError(`zoom credentials: missing ${names} (a Server-to-Server OAuth app field)`);
  }
  return value;
}

/** `expires_at` as epoch ms: a number, or a numeric string (env files and JSON stores keep strings). */
function expiresAt(record: Readonly<Record<string, unknown>>): number | undefined {
  for (const name of ['expires_at', ...spec('expires_at').aliases]) {
    const value = record[name];
    if (value === undefined || value === null) continue;
    const ms = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) {
      throw new InvalidInputError(`zoom credentials: ${name} must be epoch milliseconds`);
    }
    return ms;
  }
  return undefined;
}

/**
 * Parses a seed-style credential record (`account_id`, `client_id`, `client_secret`, `webhook_secret_token`,
 * their `ZOOM_*` and camelCase aliases), or a user OAuth grant (`access_token`, `refresh_token`, `expires_at`
 * with `client_id` and `client_secret`, no `account_id`; with an `account_id` the record is Server-to-Server and
 * the grant is ignored). Throws {@link ZoomSdkKeyOnlyError} for an SDK key alone and InvalidInputError naming the
 * first missing or malformed field otherwise.
 */
export function parseZoomCredentials(record: Readonly<Record<string, unknown>> | ZoomCredentials): ZoomCredentials {
  const fields = record as Readonly<Record<string, unknown>>;
  const sdkKey = read(fields, 'sdk_key');
  const oauthKeys: CredentialKey[] = ['account_id', 'client_id', 'client_secret'];
  if (sdkKey !== undefined && oauthKeys.every((key) => read(fields, key) === undefined)) {
    throw new ZoomSdkKeyOnlyError();
  }
  const accessToken = read(fields, 'account_id') === undefined ? read(fields, 'access_token') : undefined;
  const credentials: ZoomCredentials =
    accessToken === undefined
      ? { accountId: required(fields, 'account_id'), clientId: required(fields, 'client_id'), clientSecret: required(fields, 'client_secret') }
      : { clientId: required(fields, 'client_id'), clientSecret: required(fields, 'client_secret'), accessToken };
  if (accessToken !== undefined) {
    const refreshToken = read(fields, 'refresh_token');
    const expiry = expiresAt(fields);
    if (refreshToken !== undefined) credentials.refreshToken = refreshToken;
    if (expiry !== undefined) credentials.accessTokenExpiresAt = expiry;
  }
  const webhookSecretToken = read(fields, 'webhook_secret_token');
  if (webhookSecretToken !== undefined) credentials.webhookSecretToken = webhookSecretToken;
  return credentials;
}
