import { contextRetryPolicy, RefreshingTokenProvider, type RateBudgetRegistry } from '@amo/presence-adapter-kit';
import { type AdapterContext, endpointValue, normalizeTeams, type PlatformDescriptor } from '@amo/presence-core';
import { createTeamsAdapter } from './teams.adapter';
import { parseTeamsCredentials } from './teams.credentials';
import { TEAMS_DEFAULT_GRAPH_BASE_URL, TEAMS_DEFAULT_LOGIN_BASE_URL, teamsManifest } from './teams.manifest';
import type { SavedTeamsSubscription } from './teams.subscriptions';

const SUBSCRIPTIONS = 'subscriptions';

/** The delegated grant the OAuth flow adds to the app credentials: it is what lets Graph push (subscriptions). */
function delegatedGrant(record: Readonly<Record<string, unknown>>): { accessToken: string; refreshToken?: string; expiresAt?: number } | undefined {
  const accessToken = record.delegated_access_token;
  if (typeof accessToken !== 'string' || accessToken.length === 0) return undefined;
  const refreshToken = typeof record.delegated_refresh_token === 'string' ? record.delegated_refresh_token : undefined;
  const expiresAt = typeof record.delegated_expires_at === 'number' ? record.delegated_expires_at : undefined;
  return { accessToken, refreshToken, expiresAt };
}

const tenantPath = (tenantId: string | undefined): string => encodeURIComponent(tenantId ?? 'organizations');

function pushConfig(record: Readonly<Record<string, unknown>>, context: AdapterContext<RateBudgetRegistry>) {
  const grant = delegatedGrant(record);
  if (!grant) return undefined;
  const credentials = parseTeamsCredentials(record);
  return {
    delegatedAuth: new RefreshingTokenProvider({
      tokens: { ...grant, raw: {} },
      tokenUrl: `${endpointValue(context.endpoints, 'microsoftLogin')}/${tenantPath(credentials.tenantId)}/oauth2/v2.0/token`,
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      clientAuth: 'body',
      platform: 'teams',
      fetch: context.fetch,
      onRefresh: (tokens) =>
        context.saveCredentials(
          {
            ...record,
            delegated_access_token: tokens.accessToken,
            delegated_refresh_token: tokens.refreshToken ?? grant.refreshToken,
            delegated_expires_at: tokens.expiresAt,
          },
          tokens.expiresAt === undefined ? undefined : new Date(tokens.expiresAt),
        ),
    }),
    publicUrl: context.publicUrl,
    subscriptions: context.state.get<SavedTeamsSubscription[]>(SUBSCRIPTIONS),
    onSubscriptionsChanged: (subscriptions: SavedTeamsSubscription[]) => context.state.set(SUBSCRIPTIONS, subscriptions),
    keepOnClose: true,
  };
}

/**
 * Microsoft Teams over Graph for the service: app-only polling (getPresencesByUserId); with a delegated sign-in
 * from the OAuth flow, presence subscriptions whose notifications arrive at `/v1/webhooks/teams`.
 */
export const teamsPlatform: PlatformDescriptor<RateBudgetRegistry> = {
  platform: 'teams',
  displayName: teamsManifest.displayName,
  credentials: [
    { key: 'tenant_id', env: 'TEAMS_TENANT_ID', aliases: ['tenant', 'tenantId'], secret: false, required: true, description: teamsManifest.credentials[0].description },
    { key: 'client_id', env: 'TEAMS_CLIENT_ID', aliases: ['app_id', 'clientId'], secret: false, required: true, description: teamsManifest.credentials[1].description },
    { key: 'client_secret', env: 'TEAMS_CLIENT_SECRET', aliases: ['clientSecret'], secret: true, required: true, description: teamsManifest.credentials[2].description },
    { key: 'delegated_access_token', secret: true, required: false, description: 'A signed-in user\'s Graph token (from the OAuth flow): enables presence subscriptions' },
    { key: 'delegated_refresh_token', secret: true, required: false, description: 'Refreshes the delegated token' },
  ],
  endpoints: [
    { key: 'graphApi', env: 'GRAPH_API_BASE_URL', default: TEAMS_DEFAULT_GRAPH_BASE_URL },
    { key: 'microsoftLogin', env: 'MICROSOFT_LOGIN_BASE_URL', default: TEAMS_DEFAULT_LOGIN_BASE_URL },
  ],
  apiEndpoint: 'graphApi',
  capabilities: teamsManifest.capabilities,
  normalize: (native) => normalizeTeams(native),
  webhooks: [
    { method: 'GET', summary: 'Graph subscription validation (validationToken)' },
    // Basic notifications of two changes of one person are the same bytes: a body cannot tell a retry from a new one.
    { method: 'POST', summary: 'Graph change notifications (validationToken, clientState)', bodyIdentifiesDelivery: false },
  ],
  parseCredentials: (record) => {
    parseTeamsCredentials(record);
    return { ...record };
  },
  createAdapter: (record, context) =>
    createTeamsAdapter(
      {
        credentials: record,
        graphBaseUrl: context.endpoints.graphApi,
        loginBaseUrl: context.endpoints.microsoftLogin,
        ...contextRetryPolicy(context),
        push: pushConfig(record, context),
      },
      { fetch: context.fetch, budgets: context.budgets },
    ),
  oauth: {
    kind: 'delegated',
    authorizeUrl: (endpoints, tenantId) => `${endpointValue(endpoints, 'microsoftLogin')}/${tenantPath(tenantId)}/oauth2/v2.0/authorize`,
    tokenUrl: (endpoints, tenantId) => `${endpointValue(endpoints, 'microsoftLogin')}/${tenantPath(tenantId)}/oauth2/v2.0/token`,
    scopes: ['offline_access', 'Presence.Read.All'],
    clientAuth: 'body',
    pkce: true,
    clientFromEnv: { clientId: 'TEAMS_CLIENT_ID', clientSecret: 'TEAMS_CLIENT_SECRET', tenantId: 'TEAMS_TENANT_ID' },
    toCredentials: ({ tokens, client, existing }) => ({
      ...(existing ?? { tenant_id: client.tenantId, client_id: client.clientId, client_secret: client.clientSecret }),
      delegated_access_token: tokens.accessToken,
      ...(tokens.refreshToken ? { delegated_refresh_token: tokens.refreshToken } : {}),
      ...(tokens.expiresAt ? { delegated_expires_at: tokens.expiresAt } : {}),
    }),
  },
};
