import { z } from 'zod';
import { discordManifest } from './discord.manifest';
import { PRESENCE_INTENTS } from './gateway/gateway.protocol';

const schema = z.object({
  platform: z.literal('discord'),
  displayName: z.string().min(1),
  auth: z.object({
    mode: z.literal('bot-token'),
    scheme: z.literal('Bot'),
    oauthScopes: z.array(z.string()).min(1),
    authorizeUrl: z.string().url(),
    privilegedIntents: z.array(z.string()),
  }),
  credentials: z
    .array(
      z.object({
        key: z.string().regex(/^[a-z_]+$/),
        aliases: z.array(z.string().min(1)),
        secret: z.boolean(),
        required: z.boolean(),
        description: z.string().min(1),
      }),
    )
    .min(1),
  baseUrls: z.record(z.string(), z.object({ configKey: z.string(), default: z.string().url() })),
  endpoints: z.record(z.string(), z.string().startsWith('/')),
  gateway: z.object({
    version: z.literal(10),
    encoding: z.literal('json'),
    intents: z.number().int(),
    largeThreshold: z.number().int().min(50).max(250),
    memberRequestBatch: z.number().int().max(100),
    identifyWindowMs: z.number().positive(),
  }),
  defaultIntervalMs: z.number().int().positive(),
  rateBudgets: z
    .array(z.object({ bucket: z.string().startsWith('discord:'), limit: z.number().positive(), windowMs: z.number().positive() }))
    .min(1),
  rateLimitHeaders: z.record(z.string(), z.string()),
  capabilities: z.object({
    freshness: z.literal('push'),
    poll: z.literal(false),
    push: z.literal(true),
    inferred: z.literal(false),
    batchSize: z.number().int().positive(),
    fields: z.array(z.enum(['activity', 'customMessage', 'lastSeen', 'devices', 'expiresAt', 'sequence'])),
  }),
});

describe('discordManifest', () => {
  it('matches the manifest schema', () => {
    expect(() => schema.parse(discordManifest)).not.toThrow();
  });

  it('marks the token secret, accepts the seed keys and Quick Start token, and identifies with 259', () => {
    const secrets = discordManifest.credentials.filter((f) => f.secret).map((f) => f.key);
    expect(secrets).toEqual(['bot_token']);
    const names = discordManifest.credentials.flatMap((f) => [f.key, ...f.aliases]);
    expect(names).toEqual(expect.arrayContaining(['bot_token', 'token', 'DISCORD_BOT_TOKEN', 'guild_id', 'DISCORD_GUILD_ID']));
    expect(discordManifest.gateway.intents).toBe(PRESENCE_INTENTS);
    expect(PRESENCE_INTENTS).toBe(259);
    expect(discordManifest.rateBudgets[0]).toEqual({ bucket: 'discord:gateway-send', limit: 120, windowMs: 60_000 });
  });
});
