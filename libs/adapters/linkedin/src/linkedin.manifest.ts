/**
 * LinkedIn described as data. LinkedIn has no presence, online or last-active API (platform-apis.md 6.1): the
 * capabilities declare inference from the one real signal, organization social action webhooks, which only
 * apps with an approved webhook use case receive.
 */
export const linkedinManifest = {
  platform: 'linkedin',
  displayName: 'LinkedIn',
  auth: {
    mode: 'oauth2-authorization-code',
    authorizePath: '/authorization',
    tokenPath: '/accessToken',
    // LinkedIn takes client_id and client_secret as form fields of the token request.
    clientAuth: 'body',
    accessTokenTtlSec: 60 * 24 * 3600,
    // Programmatic refresh tokens (365 days, TTL not reset on use) go to approved partners only.
    refreshTokenTtlSec: 365 * 24 * 3600,
    refreshToken: 'when-granted',
    scopes: ['openid', 'profile'],
  },
  credentials: [
    { key: 'client_id', aliases: ['LINKEDIN_CLIENT_ID', 'clientId'], secret: false, required: false,
      description: 'App client id: the OAuth flow and token refresh' },
    { key: 'client_secret', aliases: ['LINKEDIN_CLIENT_SECRET', 'clientSecret'], secret: true, required: false,
      description: 'App client secret: token exchange and refresh, webhook challenge and X-LI-Signature' },
    { key: 'access_token', aliases: ['LINKEDIN_ACCESS_TOKEN', 'accessToken'], secret: true, required: false,
      description: 'A member access token (60 days); connect() validates it against userinfo' },
    { key: 'refresh_token', aliases: ['LINKEDIN_REFRESH_TOKEN', 'refreshToken'], secret: true, required: false,
      description: 'Only when LinkedIn granted one (approved partners); used to refresh the access token' },
    { key: 'expires_at', aliases: ['LINKEDIN_TOKEN_EXPIRES_AT', 'expiresAt', 'accessTokenExpiresAt'], secret: false, required: false,
      description: 'When the access token expires (epoch ms or ISO date), so it is refreshed before, not after' },
  ],
  baseUrls: {
    oauth: { configKey: 'oauthBaseUrl', default: 'https://www.linkedin.com/oauth/v2' },
    api: { configKey: 'apiBaseUrl', default: 'https://api.linkedin.com' },
  },
  endpoints: { userinfo: '/v2/userinfo' },
  /** No polling: there is nothing to poll. */
  defaultIntervalMs: 0,
  recencyWindowMs: 5 * 60_000,
  /** LinkedIn throttles per app and member per day; connect and token refresh are the only calls we make. */
  rateBudgets: [{ bucket: 'linkedin:api', limit: 500, windowMs: 86_400_000 }],
  webhook: {
    challengeParam: 'challengeCode',
    applicationIdParam: 'applicationId',
    challengeResponse: 'hex HMAC-SHA256(key = client secret, message = challengeCode)',
    signatureHeader: 'x-li-signature',
    // UNCERTAIN: LinkedIn's page says the header is "the HMACSHA256 hash of the JSON-encoded string representation
    // of the POST body prefixed by hmacsha256=". We read that as HMAC over "hmacsha256=" + raw body, hex, and
    // accept the header with or without a "hmacsha256=" prefix. See the README.
    signatureScheme: 'hex HMAC-SHA256(key = client secret, message = "hmacsha256=" + raw body)',
    eventTypes: ['ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS'],
  },
  /** Notification actions that are a member's own act, and where the member's URN sits. */
  signalActions: {
    COMMENT: 'decoratedGeneratedActivity.comment.owner',
    COMMENT_EDIT: 'decoratedGeneratedActivity.comment.owner',
    SHARE: 'decoratedGeneratedActivity.share.owner',
    SHARE_MENTION: 'decoratedGeneratedActivity.share.owner',
    LIKE: 'actor',
  },
  capabilities: {
    freshness: 'inferred',
    poll: false,
    push: true,
    inferred: true,
    batchSize: 1000,
    fields: ['lastSeen'],
  },
} as const;

export type LinkedInManifest = typeof linkedinManifest;
