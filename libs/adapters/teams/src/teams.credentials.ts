import { InvalidInputError } from '@amo/presence-core';
import { teamsManifest } from './teams.manifest';

/** App-only credentials of an Entra app registration with the Presence.Read.All application permission. */
export interface TeamsCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Graph root without the version (national clouds differ); default https://graph.microsoft.com. */
  graphBaseUrl?: string;
  /** Identity platform root; default https://login.microsoftonline.com. */
  loginBaseUrl?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A tenant is a GUID or a verified domain; `common`/`organizations` cannot issue app-only tokens.
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

function pick(record: Readonly<Record<string, unknown>>, key: string, aliases: readonly string[]): unknown {
  for (const name of [key, ...aliases]) {
    const value = record[name];
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

function requiredString(record: Readonly<Record<string, unknown>>, key: string, aliases: readonly string[]): string {
  const value = pick(record, key, aliases);
  if (value === undefined) throw new InvalidInputError(`teams credentials: ${key} is missing (accepted keys: ${[key, ...aliases].join(', ')})`);
  if (typeof value !== 'string' || value.trim().length === 0) throw new InvalidInputError(`teams credentials: ${key} must be a non-empty string`);
  return value.trim();
}

function optionalUrl(record: Readonly<Record<string, unknown>>, key: string, aliases: readonly string[]): string | undefined {
  const value = pick(record, key, aliases);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidInputError(`teams credentials: ${key} must be a URL string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidInputError(`teams credentials: ${key} is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidInputError(`teams credentials: ${key} must be http(s)`);
  return value.replace(/\/+$/, '');
}

/**
 * Reads seed-style Teams credentials (`tenant_id`, `client_id`, `client_secret`, or camelCase, or the
 * `TEAMS_*` environment names) and optional base URLs. Throws InvalidInputError naming the bad field;
 * never echoes the secret.
 */
export function parseTeamsCredentials(record: Readonly<Record<string, unknown>>): TeamsCredentials {
  if (record === null || typeof record !== 'object') throw new InvalidInputError('teams credentials must be an object');
  const [tenant, client, secret] = teamsManifest.credentials;
  const tenantId = requiredString(record, tenant.key, tenant.aliases);
  if (!GUID.test(tenantId) && !DOMAIN.test(tenantId)) throw new InvalidInputError('teams credentials: tenantId must be a directory id (GUID) or a verified domain');
  const clientId = requiredString(record, client.key, client.aliases);
  if (!GUID.test(clientId)) throw new InvalidInputError('teams credentials: clientId must be the application (client) id, a GUID');
  const clientSecret = requiredString(record, secret.key, secret.aliases);
  const { graph, login } = teamsManifest.baseUrls;
  const credentials: TeamsCredentials = { tenantId, clientId, clientSecret };
  const graphBaseUrl = optionalUrl(record, graph.key, graph.aliases);
  const loginBaseUrl = optionalUrl(record, login.key, login.aliases);
  if (graphBaseUrl !== undefined) credentials.graphBaseUrl = graphBaseUrl;
  if (loginBaseUrl !== undefined) credentials.loginBaseUrl = loginBaseUrl;
  return credentials;
}

/** True for an Entra object id, the only id form getPresencesByUserId accepts. */
export function isEntraObjectId(value: string): boolean {
  return GUID.test(value);
}
