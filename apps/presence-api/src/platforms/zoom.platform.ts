import { createZoomAdapter, parseZoomCredentials, type ZoomAdapter, zoomManifest } from '@amo/presence-adapter-zoom';
import type { PlatformWiring } from './platform-wiring';

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/**
 * Zoom: polled presence_status and signed user.presence_status_updated webhooks (the adapter verifies them and
 * feeds its push sink, so the controller ingests nothing itself). Two ways in: a Server-to-Server OAuth app
 * connected with its credentials, or a user-managed OAuth app through the connect flow, whose user grant (with
 * rotating refresh tokens, stored back encrypted on every refresh) becomes the connection's credentials.
 */
export const zoomPlatform: PlatformWiring = {
  platform: 'zoom',
  parseCredentials: (record) => ({ ...parseZoomCredentials(record) }),
  createAdapter: (credentials, context) =>
    createZoomAdapter(
      {
        credentials,
        apiBaseUrl: context.baseUrls.zoomApi,
        oauthBaseUrl: context.baseUrls.zoomOAuth,
        maxRetries: context.config.maxRetries,
        onTokenRefresh: (tokens) =>
          context.saveCredentials(
            {
              ...credentials,
              accessToken: tokens.accessToken,
              refreshToken: tokens.refreshToken ?? credentials.refreshToken,
              accessTokenExpiresAt: tokens.expiresAt,
            },
            tokens.expiresAt === undefined ? undefined : new Date(tokens.expiresAt),
          ),
      },
      { fetch: context.fetch, budgets: context.budgets },
    ),
  webhook: {
    methods: ['POST'],
    handle: (input, target) => {
      const adapter = target.adapter as ZoomAdapter | undefined;
      if (!adapter) {
        return { status: 404, body: { error: 'zoom is not connected' }, contentType: 'application/json', records: [] };
      }
      const result = adapter.handleWebhook({ headers: input.headers, rawBody: input.rawBody, method: input.method, query: input.query });
      return { status: result.status, body: result.body, contentType: result.contentType, records: [] };
    },
  },
  oauth: {
    authorizeUrl: (urls) => `${trimSlash(urls.zoomOAuth)}${zoomManifest.auth.user.authorizePath}`,
    tokenUrl: (urls) => `${trimSlash(urls.zoomOAuth)}${zoomManifest.auth.user.tokenPath}`,
    // Zoom takes the scopes configured on the app; asking for the presence scope makes a missing one visible.
    scope: zoomManifest.auth.scopes.join(' '),
    clientAuth: zoomManifest.auth.user.clientAuth,
    pkce: zoomManifest.auth.user.pkce,
    kind: 'delegated',
    // The grant replaces a Server-to-Server record (no account_id), keeping the webhook secret token.
    toCredentials: ({ tokens, client, existing }) => ({
      client_id: client.clientId,
      ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
      access_token: tokens.accessToken,
      ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
      ...(tokens.expiresAt ? { expires_at: tokens.expiresAt } : {}),
      ...(existing ? webhookSecret(existing) : {}),
    }),
  },
};

function webhookSecret(existing: Readonly<Record<string, unknown>>): Record<string, string> {
  const secret = parseZoomCredentials(existing).webhookSecretToken;
  return secret ? { webhook_secret_token: secret } : {};
}
