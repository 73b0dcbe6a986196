import { createLinkedInAdapter, type LinkedInAdapter, type LinkedInCredentials, linkedinManifest, linkedinOAuthEndpoints, parseLinkedInCredentials } from '@amo/presence-adapter-linkedin';
import type { PlatformWiring } from './platform-wiring';

/**
 * LinkedIn: no presence API. The connection is a member token (validated against userinfo); recency comes
 * only from signed organization social action webhooks, which the adapter verifies and feeds its push sink.
 */
export const linkedinPlatform: PlatformWiring = {
  platform: 'linkedin',
  parseCredentials: (record) => ({ ...parseLinkedInCredentials(record) }),
  createAdapter: (credentials, context) =>
    createLinkedInAdapter(
      {
        credentials: credentials as LinkedInCredentials,
        oauthBaseUrl: context.baseUrls.linkedinOAuth,
        apiBaseUrl: context.baseUrls.linkedinApi,
        recencyWindowMs: context.config.recencyWindowMs,
        maxRetries: context.config.maxRetries,
        onTokenRefresh: (tokens) =>
          context.saveCredentials(
            {
              ...credentials,
              accessToken: tokens.accessToken,
              refreshToken: tokens.refreshToken ?? (credentials as LinkedInCredentials).refreshToken,
              accessTokenExpiresAt: tokens.expiresAt,
            },
            tokens.expiresAt === undefined ? undefined : new Date(tokens.expiresAt),
          ),
      },
      { fetch: context.fetch, budgets: context.budgets },
    ),
  webhook: {
    methods: ['GET', 'POST'],
    handle: (input, target) => {
      const adapter = target.adapter as LinkedInAdapter | undefined;
      if (!adapter) return { status: 404, body: { error: 'linkedin is not connected' }, contentType: 'application/json', records: [] };
      const result = adapter.receiveWebhook({ method: input.method, headers: input.headers, rawBody: input.rawBody, query: input.query });
      return { status: result.status, body: result.body, contentType: result.contentType, records: [] };
    },
  },
  oauth: {
    authorizeUrl: (urls) => linkedinOAuthEndpoints(urls.linkedinOAuth).authorizeUrl,
    tokenUrl: (urls) => linkedinOAuthEndpoints(urls.linkedinOAuth).tokenUrl,
    scope: linkedinManifest.auth.scopes.join(' '),
    clientAuth: 'body',
    // LinkedIn's three-legged flow for web apps takes state, not PKCE.
    pkce: false,
    kind: 'delegated',
    toCredentials: ({ tokens, client }) => ({
      client_id: client.clientId,
      ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
      access_token: tokens.accessToken,
      ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
      ...(tokens.expiresAt ? { expires_at: tokens.expiresAt } : {}),
    }),
  },
};
