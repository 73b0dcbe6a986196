import { contextRetryPolicy, type RateBudgetRegistry } from '@amo/presence-adapter-kit';
import { endpointValue, normalizeDiscord, type PlatformDescriptor } from '@amo/presence-core';
import { createDiscordAdapter } from './discord.adapter';
import { parseDiscordCredentials } from './discord.credentials';
import { discordManifest } from './discord.manifest';
import type { DiscordSessionState } from './gateway/gateway.protocol';
import type { DiscordSessions } from './gateway/gateway.sessions';

const SESSION = 'session';

/** `guild_id` may hold one id, a comma-separated list or an array; the callback's guild is added to it. */
function guildList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split(',').map((id) => id.trim()).filter(Boolean);
  return [];
}

function hasBotToken(record: Readonly<Record<string, unknown>>): boolean {
  try {
    parseDiscordCredentials(record);
    return true;
  } catch {
    return false;
  }
}

/**
 * Discord for the service: presence only exists on the Gateway, so the adapter holds a gateway session (resumed
 * after a restart from the saved sessions) and pushes every change. The OAuth flow is the bot-install
 * authorization; its callback names the guild the bot was added to.
 */
export const discordPlatform: PlatformDescriptor<RateBudgetRegistry> = {
  platform: 'discord',
  displayName: discordManifest.displayName,
  credentials: [
    { key: 'bot_token', env: 'DISCORD_BOT_TOKEN', aliases: ['token', 'botToken'], secret: true, required: true, description: discordManifest.credentials[0].description },
    {
      key: 'guild_id',
      env: 'DISCORD_GUILD_ID',
      aliases: ['guild_ids', 'guildId', 'guildIds'],
      secret: false,
      required: true,
      format: { pattern: /^\d{1,20}(\s*,\s*\d{1,20})*$/, message: 'must be a Discord guild id (snowflake) or a comma-separated list of them' },
      description: discordManifest.credentials[1].description,
    },
  ],
  endpoints: [{ key: 'discordApi', env: 'DISCORD_API_BASE_URL', default: discordManifest.baseUrls.api.default }],
  apiEndpoint: 'discordApi',
  capabilities: { ...discordManifest.capabilities, rateBudgets: discordManifest.rateBudgets },
  normalize: normalizeDiscord,
  webhooks: [],
  parseCredentials: (record) => {
    parseDiscordCredentials(record);
    return { ...record };
  },
  createAdapter: (record, context) =>
    createDiscordAdapter(
      {
        credentials: record,
        apiBaseUrl: context.endpoints.discordApi,
        ...contextRetryPolicy(context),
        // Per shard since sharding; a single session saved by an earlier version is read as shard 0's.
        session: context.state.get<DiscordSessions | DiscordSessionState>(SESSION) ?? null,
        onSession: (session) => context.state.set(SESSION, session),
      },
      { fetch: context.fetch, budgets: context.budgets },
    ),
  oauth: {
    kind: 'app',
    authorizeUrl: (endpoints) => `${new URL(endpointValue(endpoints, 'discordApi')).origin}/oauth2/authorize`,
    tokenUrl: (endpoints) => `${endpointValue(endpoints, 'discordApi')}/oauth2/token`,
    scopes: discordManifest.auth.oauthScopes,
    clientAuth: 'body',
    pkce: true,
    // View Channels only: presence needs the privileged intents, not channel permissions.
    extraParams: { permissions: '1024' },
    precondition: (existing) =>
      existing !== undefined && hasBotToken(existing)
        ? undefined
        : 'connect discord with its bot token first (DISCORD_BOT_TOKEN or POST /v1/platforms/discord/connect): the bot authorization only adds a server to that connection',
    toCredentials: ({ query, existing }) => {
      const guilds = new Set([...guildList(existing?.guild_id ?? existing?.guildIds), ...guildList(query.guild_id)]);
      return { ...existing, guild_id: [...guilds].join(',') };
    },
  },
};
