import { InvalidInputError } from '@amo/presence-core';
import { discordManifest } from './discord.manifest';

/** A bot token and the guilds it watches. */
export interface DiscordCredentials {
  botToken: string;
  guildIds: string[];
}

type CredentialKey = (typeof discordManifest.credentials)[number]['key'];

const SNOWFLAKE = /^\d{1,20}$/;

function names(key: CredentialKey): string[] {
  const field = discordManifest.credentials.find((f) => f.key === key);
  return [key, ...(field?.aliases ?? [])];
}

function read(record: Readonly<Record<string, unknown>>, key: CredentialKey): unknown {
  for (const name of names(key)) {
    const value = record[name];
    if (value !== undefined && value !== null) return { name, value };
  }
  return undefined;
}

/** Guild ids from one id, a comma-separated list, or an array; each must be a snowflake. */
export function parseGuildIds(value: unknown, name = 'guild_id'): string[] {
  const parts = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [String(value)];
  const ids = [...new Set(parts.map((p) => p.trim()).filter(Boolean))];
  if (ids.length === 0) throw new InvalidInputError(`discord credentials: ${name} is empty`);
  const bad = ids.find((id) => !SNOWFLAKE.test(id));
  if (bad !== undefined) {
    throw new InvalidInputError(`discord credentials: ${name} must be guild ids (snowflakes), got ${JSON.stringify(bad)}`);
  }
  return ids;
}

/**
 * Parses a seed-style credential record: `bot_token` (or `DISCORD_BOT_TOKEN`, or the Quick Start's `token`) and
 * `guild_id` (or `DISCORD_GUILD_ID`; one id or a comma-separated list). Throws InvalidInputError naming the
 * missing or malformed field, never echoing the token.
 */
export function parseDiscordCredentials(record: Readonly<Record<string, unknown>> | DiscordCredentials): DiscordCredentials {
  const fields = record as Readonly<Record<string, unknown>>;
  const token = read(fields, 'bot_token') as { name: string; value: unknown } | undefined;
  if (token === undefined) {
    throw new InvalidInputError('discord credentials: missing bot_token / DISCORD_BOT_TOKEN (or token)');
  }
  // A pasted "Bot <token>" header value is accepted; the prefix is ours to add.
  const botToken = typeof token.value === 'string' ? token.value.trim().replace(/^Bot\s+/i, '') : '';
  if (botToken === '' || /\s/.test(botToken)) {
    throw new InvalidInputError(`discord credentials: ${token.name} must be a non-empty string without spaces`);
  }
  const guilds = read(fields, 'guild_id') as { name: string; value: unknown } | undefined;
  if (guilds === undefined) {
    throw new InvalidInputError('discord credentials: missing guild_id / DISCORD_GUILD_ID (one id or a comma-separated list)');
  }
  return { botToken, guildIds: parseGuildIds(guilds.value, guilds.name) };
}
