/**
 * Discord described as data: a bot token, the guilds to watch, where the REST API lives, the limits we pace
 * ourselves by, and what the gateway can tell us. Code handles only what data cannot say.
 */
export const discordManifest = {
  platform: 'discord',
  displayName: 'Discord',
  auth: {
    mode: 'bot-token',
    /** `Authorization: Bot <token>` on REST; the same token goes in Identify and Resume. */
    scheme: 'Bot',
    /** The bot joins a guild through OAuth2 bot authorization; the callback's guild_id is recorded. */
    oauthScopes: ['bot'],
    authorizeUrl: 'https://discord.com/oauth2/authorize',
    privilegedIntents: ['GUILD_MEMBERS', 'GUILD_PRESENCES'],
  },
  credentials: [
    { key: 'bot_token', aliases: ['DISCORD_BOT_TOKEN', 'token', 'botToken'], secret: true, required: true,
      description: 'Bot token from the Developer Portal (Bot tab); Server Members and Presence intents enabled' },
    { key: 'guild_id', aliases: ['DISCORD_GUILD_ID', 'guild_ids', 'guildId', 'guildIds'], secret: false, required: true,
      description: 'The guild (server) id to watch, or several, comma-separated' },
  ],
  baseUrls: {
    api: { configKey: 'apiBaseUrl', default: 'https://discord.com/api' },
  },
  endpoints: { gatewayBot: '/v10/gateway/bot' },
  gateway: {
    version: 10,
    encoding: 'json',
    /** GUILDS | GUILD_MEMBERS | GUILD_PRESENCES */
    intents: 259,
    /** Most members GUILD_CREATE lists before a guild counts as large (50-250). */
    largeThreshold: 250,
    memberRequestBatch: 100,
    identifyWindowMs: 5_000,
  },
  /** Push only: the manifest's interval is how often the service checks the connection, not a poll. */
  defaultIntervalMs: 60_000,
  rateBudgets: [
    { bucket: 'discord:gateway-send', limit: 120, windowMs: 60_000 },
    { bucket: 'discord:rest', limit: 50, windowMs: 1_000 },
  ],
  rateLimitHeaders: {
    retryAfter: 'Retry-After',
    limit: 'X-RateLimit-Limit',
    remaining: 'X-RateLimit-Remaining',
    resetAfter: 'X-RateLimit-Reset-After',
    bucket: 'X-RateLimit-Bucket',
    global: 'X-RateLimit-Global',
    scope: 'X-RateLimit-Scope',
  },
  capabilities: {
    freshness: 'push',
    poll: false,
    push: true,
    inferred: false,
    batchSize: 100,
    fields: ['activity', 'customMessage', 'devices'],
  },
} as const;

export type DiscordManifest = typeof discordManifest;
