import { AGGREGATION_POLICY_NAMES, PLATFORMS } from '@amo/presence-core';
import { z } from 'zod';

/** Whole seconds, at least `min`; the message names the unit so a wrong value is easy to fix. */
const secondsValue = (min = 1) =>
  z.coerce
    .number({ error: 'must be a number of seconds' })
    .int({ error: 'must be a whole number of seconds' })
    .min(min, { error: `must be at least ${min} second${min === 1 ? '' : 's'}` });
const seconds = (fallback: number, min = 1) => secondsValue(min).default(fallback);

const count = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` })
    .default(fallback);

const bool = (fallback?: boolean) => {
  const parsed = z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' }))
    .transform((value) => value === 'true' || value === '1' || value === 'yes');
  return fallback === undefined ? parsed.optional() : parsed.default(fallback);
};

const urlValue = () =>
  z
    .string()
    .trim()
    .refine((value) => /^https?:\/\/[^\s/]+/i.test(value) && URL.canParse(value), { error: 'must be an http(s) URL' })
    .transform((value) => value.replace(/\/+$/, ''));
const httpUrl = (fallback: string) => urlValue().default(fallback);

const secret = z.string().trim().min(1).optional();

const pollOverrides = Object.fromEntries(
  PLATFORMS.map((platform) => [`PRESENCE_POLL_INTERVAL_${platform.toUpperCase()}`, secondsValue(1).optional()]),
);

/**
 * The environment, by CONTRACT name. Everything the service reads from `process.env` is here and only
 * here; the loader turns the parsed result into {@link AppConfig}.
 */
export const envSchema = z.object({
  PORT: count(3000, 0, 65_535),
  PRESENCE_PUBLIC_URL: urlValue().optional(),
  PRESENCE_DB_PATH: z.string().trim().min(1).default('./data/presence.sqlite'),
  DATABASE_URL: z
    .string()
    .trim()
    .refine((value) => /^postgres(ql)?:\/\//i.test(value), { error: 'must be a postgres:// URL' })
    .optional(),
  REDIS_URL: z
    .string()
    .trim()
    .refine((value) => /^rediss?:\/\//i.test(value), { error: 'must be a redis:// URL' })
    .optional(),
  PRESENCE_DATA_DIR: z.string().trim().min(1).default('./data'),
  PRESENCE_LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose'], { error: 'must be error, warn, log, debug or verbose' }).default('log'),

  PRESENCE_POLL_INTERVAL: seconds(30),
  ...pollOverrides,
  PRESENCE_CACHE_TTL: seconds(300),
  PRESENCE_MAX_RETRIES: count(3, 0, 10),

  PRESENCE_ENCRYPTION_KEY: z
    .string()
    .trim()
    .refine((value) => Buffer.from(value, 'base64').length === 32 && /^[A-Za-z0-9+/]+=*$/.test(value), {
      error: 'must be the base64 encoding of exactly 32 bytes (openssl rand -base64 32)',
    })
    .optional(),
  PRESENCE_API_TOKEN: z.string().trim().min(16, { error: 'must be at least 16 characters' }).optional(),

  PRESENCE_DEFAULT_POLICY: z.enum(AGGREGATION_POLICY_NAMES as [string, ...string[]], {
    error: `must be one of ${AGGREGATION_POLICY_NAMES.join(', ')}`,
  }).default('highest-priority'),
  PRESENCE_RECENCY_WINDOW: seconds(300),
  // Unset: denied outside sandbox mode (people are monitored once their consent is recorded), granted in it.
  PRESENCE_CONSENT_DEFAULT: z.enum(['granted', 'denied'], { error: 'must be granted or denied' }).optional(),
  PRESENCE_STORE_DETAILS: bool(false),
  PRESENCE_AUDIT_RETENTION_DAYS: count(7, 1, 3650),
  PRESENCE_RATE_LIMIT: count(600, 1, 1_000_000),
  PRESENCE_SANDBOX: bool(),

  DISCORD_BOT_TOKEN: secret,
  DISCORD_GUILD_ID: z
    .string()
    .trim()
    .refine((value) => value.split(',').every((id) => /^\d{1,20}$/.test(id.trim())), {
      error: 'must be a Discord guild id (snowflake) or a comma-separated list of them',
    })
    .optional(),
  SLACK_BOT_TOKEN: secret,
  SLACK_SIGNING_SECRET: secret,
  SLACK_APP_TOKEN: secret,
  TEAMS_TENANT_ID: secret,
  TEAMS_CLIENT_ID: secret,
  TEAMS_CLIENT_SECRET: secret,
  ZOOM_ACCOUNT_ID: secret,
  ZOOM_CLIENT_ID: secret,
  ZOOM_CLIENT_SECRET: secret,
  ZOOM_WEBHOOK_SECRET_TOKEN: secret,
  ZOOM_SDK_KEY: secret,
  WHATSAPP_API_KEY: secret,
  WHATSAPP_PHONE_NUMBER_ID: secret,
  WHATSAPP_APP_SECRET: secret,
  WHATSAPP_VERIFY_TOKEN: secret,
  LINKEDIN_CLIENT_ID: secret,
  LINKEDIN_CLIENT_SECRET: secret,
  LINKEDIN_ACCESS_TOKEN: secret,

  DISCORD_API_BASE_URL: httpUrl('https://discord.com/api'),
  SLACK_API_BASE_URL: httpUrl('https://slack.com/api'),
  GRAPH_API_BASE_URL: httpUrl('https://graph.microsoft.com'),
  MICROSOFT_LOGIN_BASE_URL: httpUrl('https://login.microsoftonline.com'),
  ZOOM_API_BASE_URL: httpUrl('https://api.zoom.us/v2'),
  ZOOM_OAUTH_BASE_URL: httpUrl('https://zoom.us'),
  WHATSAPP_GRAPH_BASE_URL: httpUrl('https://graph.facebook.com'),
  WHATSAPP_API_VERSION: z
    .string()
    .trim()
    .regex(/^v\d+\.\d+$/, { error: 'must look like v21.0' })
    .optional(),
  LINKEDIN_API_BASE_URL: httpUrl('https://api.linkedin.com'),
  LINKEDIN_OAUTH_BASE_URL: httpUrl('https://www.linkedin.com/oauth/v2'),
});

export type Env = z.infer<typeof envSchema>;

/** The names the schema reads: documented in the README, and the only ones the loader looks at. */
export const ENV_NAMES = Object.keys(envSchema.shape) as (keyof Env)[];
