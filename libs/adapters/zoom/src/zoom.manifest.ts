/**
 * Zoom described as data: how it authenticates, which credential fields exist (and which are secret), where it
 * lives, how fast we may call it, and what it can tell us. Code handles only what data cannot say.
 */
export const zoomManifest = {
  platform: 'zoom',
  displayName: 'Zoom',
  auth: {
    mode: 'oauth2-client-credentials',
    grantType: 'account_credentials',
    tokenPath: '/oauth/token',
    clientAuth: 'basic',
    paramsIn: 'query',
    tokenTtlSec: 3600,
    refreshToken: false,
    refreshMarginMs: 60_000,
    // Granular scope first; classic S2S apps use user:read:admin.
    scopes: ['user:read:presence_status:admin'],
    /**
     * A user-managed OAuth app (installed by a user or an admin) instead of Server-to-Server: authorization code
     * with PKCE at `{oauthBaseUrl}/oauth/authorize`, Basic client auth at the token endpoint, one-hour access
     * tokens and refresh tokens that rotate on every use.
     */
    user: { authorizePath: '/oauth/authorize', tokenPath: '/oauth/token', clientAuth: 'basic', pkce: true, refreshToken: true },
  },
  credentials: [
    { key: 'account_id', aliases: ['ZOOM_ACCOUNT_ID', 'accountId'], secret: false, required: true,
      description: 'Server-to-Server OAuth app: Account ID' },
    { key: 'client_id', aliases: ['ZOOM_CLIENT_ID', 'clientId'], secret: false, required: true,
      description: 'Server-to-Server OAuth app: Client ID' },
    { key: 'client_secret', aliases: ['ZOOM_CLIENT_SECRET', 'clientSecret'], secret: true, required: true,
      description: 'Server-to-Server OAuth app: Client secret' },
    { key: 'webhook_secret_token', aliases: ['ZOOM_WEBHOOK_SECRET_TOKEN', 'webhookSecretToken', 'secret_token'],
      secret: true, required: false,
      description: 'Event subscription secret token: verifies x-zm-signature and answers endpoint.url_validation' },
    { key: 'access_token', aliases: ['accessToken'], secret: true, required: false,
      description: 'User OAuth grant: access token (used instead of account_id; client_id and client_secret refresh it)' },
    { key: 'refresh_token', aliases: ['refreshToken'], secret: true, required: false,
      description: 'User OAuth grant: refresh token (Zoom rotates it on every refresh)' },
    { key: 'expires_at', aliases: ['accessTokenExpiresAt'], secret: false, required: false,
      description: 'User OAuth grant: access token expiry, epoch milliseconds' },
    { key: 'sdk_key', aliases: ['ZOOM_SDK_KEY', 'sdkKey'], secret: false, required: false,
      description: 'Meeting SDK key (the seed\'s). It cannot read presence; accepted only to say so clearly' },
  ],
  baseUrls: {
    api: { configKey: 'apiBaseUrl', default: 'https://api.zoom.us/v2' },
    oauth: { configKey: 'oauthBaseUrl', default: 'https://zoom.us' },
  },
  endpoints: { presence: '/users/{userId}/presence_status' },
  defaultIntervalMs: 30_000,
  /**
   * Zoom limits per account, shared by every app on it. GET presence_status's label is not documented
   * (Medium is 20/s on Pro, 60/s on Business+), so we take half of Pro's Medium and leave the rest to other apps.
   */
  rateBudgets: [{ bucket: 'zoom:medium', limit: 10, windowMs: 1000 }],
  rateLimitHeaders: {
    retryAfter: 'Retry-After',
    category: 'X-RateLimit-Category',
    type: 'X-RateLimit-Type',
    limit: 'X-RateLimit-Limit',
    remaining: 'X-RateLimit-Remaining',
  },
  webhook: {
    events: ['user.presence_status_updated', 'endpoint.url_validation'],
    signatureHeader: 'x-zm-signature',
    timestampHeader: 'x-zm-request-timestamp',
    toleranceSec: 300,
  },
  capabilities: {
    freshness: 'poll',
    poll: true,
    push: true,
    inferred: false,
    batchSize: 1,
    idsPerMinute: 600,
    fields: ['activity', 'expiresAt'],
  },
} as const;

export type ZoomManifest = typeof zoomManifest;
