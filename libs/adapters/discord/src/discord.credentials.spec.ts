import { InvalidInputError } from '@amo/presence-core';
import { parseDiscordCredentials, parseGuildIds } from './discord.credentials';

describe('parseDiscordCredentials', () => {
  it.each([
    [{ bot_token: 'abc.def', guild_id: '123' }],
    [{ DISCORD_BOT_TOKEN: 'abc.def', DISCORD_GUILD_ID: '123' }],
    [{ token: 'abc.def', guild_id: 123 }],
    [{ botToken: 'Bot abc.def', guildIds: ['123'] }],
  ])('accepts the seed and Quick Start keys: %j', (record) => {
    expect(parseDiscordCredentials(record)).toEqual({ botToken: 'abc.def', guildIds: ['123'] });
  });

  it('splits a comma-separated guild list and drops blanks and duplicates', () => {
    expect(parseDiscordCredentials({ token: 't', guild_id: ' 1, 2,,2 ' }).guildIds).toEqual(['1', '2']);
  });

  it('names the missing or bad field and never echoes the token', () => {
    expect(() => parseDiscordCredentials({ guild_id: '1' })).toThrow(/bot_token \/ DISCORD_BOT_TOKEN/);
    expect(() => parseDiscordCredentials({ token: 't' })).toThrow(/guild_id/);
    expect(() => parseDiscordCredentials({ token: 't', guild_id: 'general' })).toThrow(InvalidInputError);
    const secret = 'very secret value';
    try {
      parseDiscordCredentials({ bot_token: secret, guild_id: '1' });
    } catch (error) {
      expect(String(error)).not.toContain(secret);
      expect(String(error)).toMatch(/bot_token must be a non-empty string without spaces/);
    }
    expect(() => parseDiscordCredentials({ bot_token: 42, guild_id: '1' })).toThrow(InvalidInputError);
  });

  it('rejects an empty guild list', () => {
    expect(() => parseGuildIds(' , ')).toThrow(/empty/);
  });
});
