/**
 * WhatsApp Business Cloud API described as data. The Cloud API has no presence or last-seen endpoint
 * (platform-apis.md 5.1), so the capabilities declare inference from webhook signals, not a presence read.
 */
export const whatsappManifest = {
  platform: 'whatsapp',
  displayName: 'WhatsApp Business (Cloud API)',
  auth: {
    mode: 'bearer-token',
    header: 'Authorization',
    scheme: 'Bearer',
    // A System User access token; 190 OAuthException means it is invalid or expired.
    invalidTokenErrorCode: 190,
  },
  credentials: [
    { key: 'api_key', aliases: ['WHATSAPP_API_KEY', 'apiKey', 'access_token', 'accessToken'], secret: true, required: true,
      description: 'Cloud API access token (System User token), sent as Bearer' },
    { key: 'phone_number_id', aliases: ['WHATSAPP_PHONE_NUMBER_ID', 'phoneNumberId'], secret: false, required: true,
      description: 'The business phone number id; connect() reads this object to verify the token' },
    { key: 'app_secret', aliases: ['WHATSAPP_APP_SECRET', 'appSecret'], secret: true, required: false,
      description: 'Meta app secret: verifies X-Hub-Signature-256 on webhook POSTs (without it every POST is rejected)' },
    { key: 'verify_token', aliases: ['WHATSAPP_VERIFY_TOKEN', 'verifyToken'], secret: true, required: false,
      description: 'The token you chose when subscribing the webhook: answers the hub.challenge GET' },
  ],
  baseUrls: {
    graph: { configKey: 'graphBaseUrl', default: 'https://graph.facebook.com' },
  },
  apiVersion: { configKey: 'apiVersion', default: 'v21.0' },
  endpoints: { phoneNumber: '/{version}/{phoneNumberId}' },
  /** No polling: there is nothing to poll. */
  defaultIntervalMs: 0,
  recencyWindowMs: 5 * 60_000,
  /**
   * The only call is the connection check (with its retries). Graph's app-level limit is 200 calls per hour per
   * user; we claim half, so a reconnect storm cannot starve the business's own sending, while an ordinary run of
   * restarts never waits on the budget.
   */
  rateBudgets: [{ bucket: 'whatsapp:graph', limit: 100, windowMs: 3_600_000 }],
  rateLimitErrorCodes: [4, 17, 32, 613, 80007, 130429, 131056],
  webhook: {
    verification: { modeParam: 'hub.mode', tokenParam: 'hub.verify_token', challengeParam: 'hub.challenge', mode: 'subscribe' },
    signatureHeader: 'x-hub-signature-256',
    signatureFormat: 'sha256=<hex HMAC-SHA256(raw body, app secret)>',
    object: 'whatsapp_business_account',
    field: 'messages',
  },
  /** Which webhook facts count, and how much. */
  signals: {
    message: { strength: 'strong', updatesLastSeen: true, id: 'messages[].from' },
    read: { strength: 'strong', updatesLastSeen: true, id: 'statuses[].recipient_id' },
    delivered: { strength: 'weak', updatesLastSeen: false, id: 'statuses[].recipient_id' },
  },
  capabilities: {
    freshness: 'inferred',
    poll: false,
    push: true,
    inferred: true,
    // fetchPresence answers from signals already received; no platform call, so no platform batch limit.
    batchSize: 1000,
    fields: ['lastSeen'],
  },
} as const;

export type WhatsAppManifest = typeof whatsappManifest;
