import { AGGREGATION_POLICY_NAMES, type EndpointSpec, type SettingFormat } from '@amo/presence-core';
import { PLATFORM_REGISTRY, type PlatformRegistry } from '../platforms/platform-registry';
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

const text = (format?: SettingFormat) => {
  const value = z.string().trim().min(1);
  return format ? value.regex(format.pattern, { error: format.message }) : value;
};

const endpoint = (spec: EndpointSpec) => {
  if (spec.format) return text(spec.format).optional();
  return spec.default === undefined ? urlValue().optional() : httpUrl(spec.default);
};

/** `https://app.example.com` as a browser sends it in `Origin`: scheme, host and port, nothing else. */
function asOrigin(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  const bare = value.replace(/\/+$/, '').toLowerCase();
  return /^https?:$/.test(url.protocol) && url.origin.toLowerCase() === bare ? url.origin : undefined;
}

/** A comma-separated list of origins (or `*`, any origin), normalized as browsers send them. */
const corsOrigins = () =>
  z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()).filter((part) => part.length > 0))
    .refine((list) => (list.length === 1 && list[0] === '*') || list.every((origin) => asOrigin(origin) !== undefined), {
      error: 'must be * or a comma-separated list of origins such as https://app.example.com (scheme, host and port; no path)',
    })
    .transform((list) => (list[0] === '*' ? ['*'] : list.map((origin) => asOrigin(origin) as string)))
    .optional();

/** What every deployment reads, whatever platforms it has. */
const serviceEnv = {
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
  // Cluster mode (DATABASE_URL postgres:// and REDIS_URL both set): what isolates one cluster, and this instance's part.
  PRESENCE_DATABASE_SCHEMA: z
    .string()
    .trim()
    .regex(/^[a-z_][a-z0-9_]{0,54}$/, { error: 'must be a PostgreSQL schema name of at most 55 characters: lower-case letters, digits and _, starting with a letter or _' })
    .optional(),
  PRESENCE_REDIS_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.:{}-]{1,64}$/, { error: 'must be 1 to 64 letters, digits or _ . : { } -' })
    .default('presence:'),
  PRESENCE_ROLE: z.enum(['api', 'worker', 'all'], { error: 'must be api, worker or all' }).default('all'),
  PRESENCE_INSTANCE_ID: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, { error: 'must be 1 to 64 letters, digits or _ . : -' })
    .optional(),
  PRESENCE_LEASE_SECONDS: seconds(15, 2),
  PRESENCE_DATA_DIR: z.string().trim().min(1).default('./data'),
  PRESENCE_LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose'], { error: 'must be error, warn, log, debug or verbose' }).default('log'),
  PRESENCE_LOG_FORMAT: z.enum(['text', 'json'], { error: 'must be text or json' }).default('text'),
  PRESENCE_CORS_ORIGINS: corsOrigins(),

  PRESENCE_POLL_INTERVAL: seconds(30),
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
  // Unset: the audit retention applies to availability patterns too.
  PRESENCE_PATTERN_RETENTION_DAYS: z.coerce.number({ error: 'must be a whole number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(3650, { error: 'must be at most 3650' }).optional(),
  PRESENCE_RATE_LIMIT: count(600, 1, 1_000_000),
  PRESENCE_SANDBOX: bool(),

  // Signed outbound events; the secret is required once the URL is set (checked by the loader).
  PRESENCE_EVENTS_WEBHOOK_URL: urlValue().optional(),
  PRESENCE_EVENTS_WEBHOOK_SECRET: z.string().trim().min(16, { error: 'must be at least 16 characters' }).optional(),
  PRESENCE_EVENTS_WEBHOOK_MAX_ATTEMPTS: count(8, 1, 100),
};

/**
 * The environment, by CONTRACT name: the service's own variables, then each platform's (credential fields,
 * endpoints, a polling interval override) from its descriptor. Everything the service reads from `process.env`
 * is here and only here; the loader turns the parsed result into {@link AppConfig}.
 */
export function buildEnvSchema(registry: PlatformRegistry = PLATFORM_REGISTRY) {
  const platformEnv: Record<string, z.ZodType<unknown>> = {};
  for (const descriptor of registry) {
    for (const field of descriptor.credentials) if (field.env) platformEnv[field.env] = text(field.format).optional();
    for (const spec of descriptor.endpoints) platformEnv[spec.env] = endpoint(spec);
    platformEnv[pollIntervalEnv(descriptor.platform)] = secondsValue(1).optional();
  }
  return z.object({ ...serviceEnv, ...platformEnv });
}

/** `PRESENCE_POLL_INTERVAL_SLACK` and friends. */
export function pollIntervalEnv(platform: string): string {
  return `PRESENCE_POLL_INTERVAL_${platform.toUpperCase()}`;
}

/** The service's own variables, parsed. Platform variables are read by name from the descriptors. */
export type Env = z.output<z.ZodObject<typeof serviceEnv>>;

/** The names the schema reads for a registry: documented in the README, and the only ones the loader looks at. */
export function envNames(registry: PlatformRegistry = PLATFORM_REGISTRY): string[] {
  return Object.keys(buildEnvSchema(registry).shape);
}

/** The names the service reads with its own platforms. */
export const ENV_NAMES: readonly string[] = envNames();
