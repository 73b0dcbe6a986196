import { createDiscordAdapter, type DiscordSessions, type DiscordSessionState, parseDiscordCredentials } from '@amo/presence-adapter-discord';
import type { PlatformWiring } from './platform-wiring';

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
 * Discord: presence only exists on the Gateway, so the adapter holds a gateway session (resumed after a
 * restart from the saved session) and pushes every change. The OAuth flow is the bot-install authorization;
 * its callback names the guild the bot was added to.
 */
export const discordPlatform: PlatformWiring = {
  platform: 'discord',
  parseCredentials: (record) => {
    parseDiscordCredentials(record);
    return { ...record };
  },
  createAdapter: (record, context) =>
    createDiscordAdapter(
      {
        credentials: record,
        apiBaseUrl: context.baseUrls.discordApi,
        maxRetries: context.config.maxRetries,
        // Per shard since sharding; a single session saved by an earlier version is read as shard 0's.
        session: context.state.get<DiscordSessions | DiscordSessionState>(SESSION) ?? null,
        onSession: (session) => context.state.set(SESSION, session),
      },
      { fetch: context.fetch, budgets: context.budgets },
    ),
  oauth: {
    authorizeUrl: (urls) => `${new URL(urls.discordApi).origin}/oauth2/authorize`,
    tokenUrl: (urls) => `${urls.discordApi}/oauth2/token`,
    scope: 'bot',
    clientAuth: 'body',
    pkce: true,
    // View Channels only: presence needs the privileged intents, not channel permissions.
    extraParams: { permissions: '1024' },
    kind: 'app',
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
