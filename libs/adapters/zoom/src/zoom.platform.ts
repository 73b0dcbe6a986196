import { contextRetryPolicy, type RateBudgetRegistry, storeRefreshedTokens } from '@amo/presence-adapter-kit';
import { endpointValue, normalizeZoom, type PlatformDescriptor } from '@amo/presence-core';
import { createZoomAdapter } from './zoom.adapter';
import { parseZoomCredentials } from './zoom.credentials';
import { zoomManifest } from './zoom.manifest';

const trimSlash = (url: string): string => url.replace(/\/+$/, '');
const oauthBase = (endpoints: Readonly<Record<string, string | undefined>>): string => trimSlash(endpointValue(endpoints, 'zoomOAuth'));

function webhookSecret(existing: Readonly<Record<string, unknown>>): Record<string, string> {
  const secret = parseZoomCredentials(existing).webhookSecretToken;
  return secret ? { webhook_secret_token: secret } : {};
}

const field = (key: string) => {
  const found = zoomManifest.credentials.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`zoom manifest has no ${key}`);
  return { key, secret: found.secret, description: found.description };
};

/**
 * Zoom for the service: polled presence_status and signed user.presence_status_updated webhooks at
 * `/v1/webhooks/zoom`. Two ways in: a Server-to-Server OAuth app connected with its credentials, or a user-managed
 * OAuth app through the connect flow, whose user grant (rotating refresh tokens, stored back encrypted on every
 * refresh) becomes the connection's credentials.
 */
export const zoomPlatform: PlatformDescriptor<RateBudgetRegistry> = {
  platform: 'zoom',
  displayName: zoomManifest.displayName,
  credentials: [
    { ...field('account_id'), env: 'ZOOM_ACCOUNT_ID', aliases: ['accountId'], required: true },
    // Client id and secret alone are a user-managed OAuth app's: they enable the OAuth connect flow.
    { ...field('client_id'), env: 'ZOOM_CLIENT_ID', aliases: ['clientId'], required: true, startup: 'joins' },
    { ...field('client_secret'), env: 'ZOOM_CLIENT_SECRET', aliases: ['clientSecret'], required: true, startup: 'joins' },
    { ...field('webhook_secret_token'), env: 'ZOOM_WEBHOOK_SECRET_TOKEN', aliases: ['webhookSecretToken', 'secret_token'], required: false },
    { ...field('access_token'), aliases: ['accessToken'], required: false },
    { ...field('refresh_token'), aliases: ['refreshToken'], required: false },
    { ...field('sdk_key'), env: 'ZOOM_SDK_KEY', aliases: ['sdkKey'], required: false, startup: 'ignored' },
  ],
  endpoints: [
    { key: 'zoomApi', env: 'ZOOM_API_BASE_URL', default: zoomManifest.baseUrls.api.default },
    { key: 'zoomOAuth', env: 'ZOOM_OAUTH_BASE_URL', default: zoomManifest.baseUrls.oauth.default },
  ],
  apiEndpoint: 'zoomApi',
  capabilities: { ...zoomManifest.capabilities, rateBudgets: zoomManifest.rateBudgets },
  normalize: normalizeZoom,
  webhooks: [{ method: 'POST', summary: 'Zoom user.presence_status_updated (x-zm-signature; answers endpoint.url_validation)' }],
  parseCredentials: (record) => ({ ...parseZoomCredentials(record) }),
  createAdapter: (record, context) => {
    const credentials = parseZoomCredentials(record);
    return createZoomAdapter(
      {
        credentials,
        apiBaseUrl: context.endpoints.zoomApi,
        oauthBaseUrl: context.endpoints.zoomOAuth,
        ...contextRetryPolicy(context),
        onTokenRefresh: storeRefreshedTokens((saved, expiresAt) => context.saveCredentials(saved, expiresAt), credentials),
      },
      { fetch: context.fetch, budgets: context.budgets },
    );
  },
  oauth: {
    kind: 'delegated',
    authorizeUrl: (endpoints) => `${oauthBase(endpoints)}${zoomManifest.auth.user.authorizePath}`,
    tokenUrl: (endpoints) => `${oauthBase(endpoints)}${zoomManifest.auth.user.tokenPath}`,
    // Zoom takes the scopes configured on the app; asking for the presence scope makes a missing one visible.
    scopes: zoomManifest.auth.scopes,
    clientAuth: zoomManifest.auth.user.clientAuth,
    pkce: zoomManifest.auth.user.pkce,
    // A Server-to-Server app (ZOOM_ACCOUNT_ID set) has no authorization flow; a user-managed OAuth app's client does.
    clientFromEnv: { clientId: 'ZOOM_CLIENT_ID', clientSecret: 'ZOOM_CLIENT_SECRET', unlessSet: 'ZOOM_ACCOUNT_ID' },
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
  notes: (env, connects) =>
    env.ZOOM_SDK_KEY && !connects
      ? [
          'ZOOM_SDK_KEY is a Meeting SDK key and cannot read anyone\'s presence; Zoom stays disconnected. ' +
            'Set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (a Server-to-Server OAuth app) instead.',
        ]
      : [],
};
