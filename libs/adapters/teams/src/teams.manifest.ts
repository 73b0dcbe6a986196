import type { AdapterCapabilities, RateBudgetSpec } from '@amo/presence-core';

/** Graph's documented cap for the presence endpoints: 1,500 requests per 30 s per app per tenant. */
export const TEAMS_PRESENCE_BUDGET = { limit: 1500, windowMs: 30_000 } as const;
/** Most ids one getPresencesByUserId call, or one presence subscription filter, may carry. */
export const TEAMS_MAX_IDS_PER_REQUEST = 650;
/** Presence subscriptions live at most 60 minutes. */
export const TEAMS_MAX_SUBSCRIPTION_MS = 60 * 60_000;
/** Where the service receives Graph change and lifecycle notifications, below its public URL. */
export const TEAMS_WEBHOOK_PATH = '/v1/webhooks/teams';
export const TEAMS_GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
export const TEAMS_DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com';
export const TEAMS_DEFAULT_LOGIN_BASE_URL = 'https://login.microsoftonline.com';

/** The rate budget bucket of one tenant's presence calls (buckets are shared across adapters by name). */
export function teamsPresenceBucket(tenantId: string): string {
  return `teams:presence:${tenantId.toLowerCase()}`;
}

export function teamsPresenceBudget(tenantId: string): RateBudgetSpec {
  return { bucket: teamsPresenceBucket(tenantId), ...TEAMS_PRESENCE_BUDGET };
}

/** One credential field: its config key, the seed-style aliases accepted for it, and whether it is secret. */
export interface TeamsCredentialField {
  key: 'tenantId' | 'clientId' | 'clientSecret';
  aliases: readonly string[];
  secret: boolean;
  required: boolean;
  description: string;
}

/**
 * The Teams adapter described as data: auth mode, credentials, base URLs, interval, budget, capabilities.
 * Code handles only what data cannot say; the schema test checks this object.
 */
export const teamsManifest = {
  platform: 'teams',
  displayName: 'Microsoft Teams (Microsoft Graph)',
  auth: {
    mode: 'oauth2-client-credentials',
    tokenPath: '/{tenantId}/oauth2/v2.0/token',
    scope: TEAMS_GRAPH_SCOPE,
    clientAuth: 'body',
    /** Graph refuses app-only presence subscriptions: push needs a delegated (signed-in user) token. */
    pushRequires: 'delegated',
  },
  credentials: [
    { key: 'tenantId', aliases: ['tenant_id', 'tenant', 'TEAMS_TENANT_ID'], secret: false, required: true, description: 'Directory (tenant) id or verified domain' },
    { key: 'clientId', aliases: ['client_id', 'app_id', 'TEAMS_CLIENT_ID'], secret: false, required: true, description: 'Application (client) id of the Entra app registration' },
    { key: 'clientSecret', aliases: ['client_secret', 'TEAMS_CLIENT_SECRET'], secret: true, required: true, description: 'Client secret value of the app registration' },
  ] as const satisfies readonly TeamsCredentialField[],
  baseUrls: {
    graph: { key: 'graphBaseUrl', aliases: ['graph_base_url'], default: TEAMS_DEFAULT_GRAPH_BASE_URL, apiVersion: 'v1.0' },
    login: { key: 'loginBaseUrl', aliases: ['login_base_url', 'authority'], default: TEAMS_DEFAULT_LOGIN_BASE_URL },
  },
  defaultIntervalMs: 30_000,
  retryAfterHeader: 'Retry-After',
  errorShape: '{ error: { code, message } }',
  webhook: { path: TEAMS_WEBHOOK_PATH, validation: 'validationToken', verification: 'clientState' },
  rateBudgets: [{ bucket: 'teams:presence:{tenantId}', ...TEAMS_PRESENCE_BUDGET }],
  capabilities: {
    freshness: 'poll',
    poll: true,
    push: true,
    inferred: false,
    batchSize: TEAMS_MAX_IDS_PER_REQUEST,
    idsPerMinute: TEAMS_MAX_IDS_PER_REQUEST * TEAMS_PRESENCE_BUDGET.limit * (60_000 / TEAMS_PRESENCE_BUDGET.windowMs),
    rateBudgets: [{ bucket: 'teams:presence:{tenantId}', ...TEAMS_PRESENCE_BUDGET }],
    fields: ['activity', 'customMessage', 'sequence'],
  } as const satisfies AdapterCapabilities,
} as const;

export type TeamsManifest = typeof teamsManifest;
