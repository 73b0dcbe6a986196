import { RefreshingTokenProvider } from '@amo/presence-adapter-kit';
import { createTeamsAdapter, parseTeamsCredentials, type SavedTeamsSubscription, type TeamsAdapter } from '@amo/presence-adapter-teams';
import type { PlatformWiring, WiringContext } from './platform-wiring';

const SUBSCRIPTIONS = 'subscriptions';

/** The delegated grant the OAuth flow adds to the app credentials: it is what lets Graph push (subscriptions). */
interface DelegatedGrant {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: number;
}

function delegatedGrant(record: Readonly<Record<string, unknown>>): DelegatedGrant | undefined {
  const accessToken = record.delegated_access_token;
  if (typeof accessToken !== 'string' || accessToken.length === 0) return undefined;
  const refreshToken = typeof record.delegated_refresh_token === 'string' ? record.delegated_refresh_token : undefined;
  const expiresAt = typeof record.delegated_expires_at === 'number' ? record.delegated_expires_at : undefined;
  return { accessToken, refreshToken, expiresAt };
}

function pushConfig(record: Readonly<Record<string, unknown>>, context: WiringContext) {
  const grant = delegatedGrant(record);
  if (!grant) return undefined;
  const credentials = parseTeamsCredentials(record);
  const tokenUrl = `${context.baseUrls.microsoftLogin}/${encodeURIComponent(credentials.tenantId)}/oauth2/v2.0/token`;
  return {
    delegatedAuth: new RefreshingTokenProvider({
      tokens: { ...grant, raw: {} },
      tokenUrl,
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
    publicUrl: context.config.publicUrl,
    subscriptions: context.state.get<SavedTeamsSubscription[]>(SUBSCRIPTIONS),
    onSubscriptionsChanged: (subscriptions: SavedTeamsSubscription[]) => context.state.set(SUBSCRIPTIONS, subscriptions),
    keepOnClose: true,
  };
}

/**
 * Microsoft Teams over Graph: app-only polling (getPresencesByUserId); with a delegated sign-in from the
 * OAuth flow, presence subscriptions whose notifications arrive at /v1/webhooks/teams.
 */
export const teamsPlatform: PlatformWiring = {
  platform: 'teams',
  parseCredentials: (record) => {
    parseTeamsCredentials(record);
    return { ...record };
  },
  createAdapter: (record, context) =>
    createTeamsAdapter(
      {
        credentials: record,
        graphBaseUrl: context.baseUrls.graphApi,
        loginBaseUrl: context.baseUrls.microsoftLogin,
        maxRetries: context.config.maxRetries,
        push: pushConfig(record, context),
      },
      { fetch: context.fetch, budgets: context.budgets },
    ),
  webhook: {
    methods: ['GET', 'POST'],
    handle: (input, target) => {
      const adapter = target.adapter as TeamsAdapter | undefined;
      if (!adapter) return { status: 404, body: { error: 'teams is not connected' }, contentType: 'application/json', records: [] };
      const result = adapter.handleWebhook({ method: input.method, headers: input.headers, rawBody: input.rawBody, query: input.query });
      return { status: result.status, body: result.body, contentType: result.contentType, records: [] };
    },
  },
  oauth: {
    authorizeUrl: (urls, tenantId) => `${urls.microsoftLogin}/${encodeURIComponent(tenantId ?? 'organizations')}/oauth2/v2.0/authorize`,
    tokenUrl: (urls, tenantId) => `${urls.microsoftLogin}/${encodeURIComponent(tenantId ?? 'organizations')}/oauth2/v2.0/token`,
    scope: 'offline_access Presence.Read.All',
    clientAuth: 'body',
    pkce: true,
    kind: 'delegated',
    toCredentials: ({ tokens, client, existing }) => ({
      ...(existing ?? { tenant_id: client.tenantId, client_id: client.clientId, client_secret: client.clientSecret }),
      delegated_access_token: tokens.accessToken,
      ...(tokens.refreshToken ? { delegated_refresh_token: tokens.refreshToken } : {}),
      ...(tokens.expiresAt ? { delegated_expires_at: tokens.expiresAt } : {}),
    }),
  },
};
