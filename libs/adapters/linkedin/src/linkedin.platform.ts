import { contextRetryPolicy, type RateBudgetRegistry, storeRefreshedTokens } from '@amo/presence-adapter-kit';
import { endpointValue, type PlatformDescriptor } from '@amo/presence-core';
import { createLinkedInAdapter } from './linkedin.adapter';
import { parseLinkedInCredentials } from './linkedin.credentials';
import { linkedinManifest } from './linkedin.manifest';
import { linkedinOAuthEndpoints } from './linkedin.oauth';

const [clientId, clientSecret, accessToken, refreshToken] = linkedinManifest.credentials;

/**
 * LinkedIn for the service: no presence API. The connection is a member token (validated against userinfo);
 * recency comes only from signed organization social action webhooks at `/v1/webhooks/linkedin`, which the
 * adapter verifies and feeds its push sink.
 */
export const linkedinPlatform: PlatformDescriptor<RateBudgetRegistry> = {
  platform: 'linkedin',
  displayName: linkedinManifest.displayName,
  credentials: [
    // Client id and secret alone only enable the OAuth connect flow; the access token connects.
    { key: 'access_token', env: 'LINKEDIN_ACCESS_TOKEN', aliases: ['accessToken'], secret: true, required: true, description: accessToken.description },
    { key: 'client_id', env: 'LINKEDIN_CLIENT_ID', aliases: ['clientId'], secret: false, required: false, startup: 'joins', description: clientId.description },
    { key: 'client_secret', env: 'LINKEDIN_CLIENT_SECRET', aliases: ['clientSecret'], secret: true, required: false, startup: 'joins', description: clientSecret.description },
    { key: 'refresh_token', aliases: ['refreshToken'], secret: true, required: false, description: refreshToken.description },
  ],
  endpoints: [
    { key: 'linkedinApi', env: 'LINKEDIN_API_BASE_URL', default: linkedinManifest.baseUrls.api.default },
    { key: 'linkedinOAuth', env: 'LINKEDIN_OAUTH_BASE_URL', default: linkedinManifest.baseUrls.oauth.default },
  ],
  apiEndpoint: 'linkedinApi',
  capabilities: { ...linkedinManifest.capabilities, rateBudgets: linkedinManifest.rateBudgets },
  webhooks: [
    { method: 'GET', summary: 'LinkedIn webhook validation (challengeCode)' },
    { method: 'POST', summary: 'LinkedIn organization social actions (X-LI-Signature)' },
  ],
  parseCredentials: (record) => {
    parseLinkedInCredentials(record);
    return { ...record };
  },
  createAdapter: (record, context) => {
    const credentials = parseLinkedInCredentials(record);
    return createLinkedInAdapter(
      {
        credentials,
        oauthBaseUrl: context.endpoints.linkedinOAuth,
        apiBaseUrl: context.endpoints.linkedinApi,
        recencyWindowMs: context.recencyWindowMs,
        ...contextRetryPolicy(context),
        onTokenRefresh: storeRefreshedTokens((saved, expiresAt) => context.saveCredentials(saved, expiresAt), credentials),
      },
      { fetch: context.fetch, budgets: context.budgets },
    );
  },
  oauth: {
    kind: 'delegated',
    authorizeUrl: (endpoints) => linkedinOAuthEndpoints(endpointValue(endpoints, 'linkedinOAuth')).authorizeUrl,
    tokenUrl: (endpoints) => linkedinOAuthEndpoints(endpointValue(endpoints, 'linkedinOAuth')).tokenUrl,
    scopes: linkedinManifest.auth.scopes,
    clientAuth: 'body',
    // LinkedIn's three-legged flow for web apps takes state, not PKCE.
    pkce: false,
    clientFromEnv: { clientId: 'LINKEDIN_CLIENT_ID', clientSecret: 'LINKEDIN_CLIENT_SECRET' },
    toCredentials: ({ tokens, client }) => ({
      client_id: client.clientId,
      ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
      access_token: tokens.accessToken,
      ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
      ...(tokens.expiresAt ? { expires_at: tokens.expiresAt } : {}),
    }),
  },
};
