import { type AggregationPolicyName, PLATFORMS, type Platform } from '@amo/presence-core';
import { type AppConfig, type CredentialRecord, DEFAULT_TUNING, type Tuning } from './app-config';
import { type Env, envSchema } from './config.schema';
import { PLATFORM_ENV } from './platform-env';

/** A configuration problem; the message names every bad variable and says what it must be. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Env names whose value may be shown in an error message (never a credential). */
function describeValue(name: string, value: unknown): string {
  if (/TOKEN|SECRET|KEY|PASSWORD/.test(name) || name === 'DATABASE_URL' || name === 'REDIS_URL') return '';
  return ` (got ${JSON.stringify(value)})`;
}

/** Blank values count as unset, as most deployment tools write `FOO=` for "not given". */
function present(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value.trim() !== '') out[name] = value;
  return out;
}

function credentialsFrom(env: Env, problems: string[]): Partial<Record<Platform, CredentialRecord>> {
  const out: Partial<Record<Platform, CredentialRecord>> = {};
  for (const platform of PLATFORMS) {
    const spec = PLATFORM_ENV[platform];
    const triggers = spec.triggers ?? [...spec.required, ...spec.optional];
    if (!triggers.some(([name]) => env[name] !== undefined)) continue;
    const missing = spec.required.filter(([name]) => env[name] === undefined).map(([name]) => name);
    if (missing.length > 0) {
      const given = triggers.filter(([name]) => env[name] !== undefined).map(([name]) => name);
      problems.push(`${missing.join(', ')} must be set too: ${platform} is configured (${given.join(', ')} set) but incomplete`);
      continue;
    }
    const record: CredentialRecord = {};
    for (const [name, key] of [...spec.required, ...spec.optional]) {
      const value = env[name];
      if (typeof value === 'string') record[key] = value;
    }
    out[platform] = record;
  }
  return out;
}

function oauthClientsFrom(env: Env): AppConfig['oauthClients'] {
  const out: AppConfig['oauthClients'] = {};
  if (env.TEAMS_CLIENT_ID) out.teams = { clientId: env.TEAMS_CLIENT_ID, clientSecret: env.TEAMS_CLIENT_SECRET, tenantId: env.TEAMS_TENANT_ID };
  // A Server-to-Server app (ZOOM_ACCOUNT_ID set) has no authorization flow; a user-managed OAuth app's client does.
  if (env.ZOOM_CLIENT_ID && !env.ZOOM_ACCOUNT_ID) out.zoom = { clientId: env.ZOOM_CLIENT_ID, clientSecret: env.ZOOM_CLIENT_SECRET };
  if (env.LINKEDIN_CLIENT_ID) out.linkedin = { clientId: env.LINKEDIN_CLIENT_ID, clientSecret: env.LINKEDIN_CLIENT_SECRET };
  return out;
}

/**
 * Reads the environment once: validates every CONTRACT variable, groups platform credentials into the
 * seed's credential records, and throws one {@link ConfigError} listing every problem.
 */
export function loadConfig(rawEnv: Readonly<Record<string, string | undefined>>, tuning: Partial<Tuning> = {}): AppConfig {
  const parsed = envSchema.safeParse(present(rawEnv));
  const values = present(rawEnv);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      return `${name} ${issue.message}${describeValue(name, values[name])}`;
    });
    throw new ConfigError(problems);
  }
  const env = parsed.data;
  const problems: string[] = [];
  const credentials = credentialsFrom(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const notes: string[] = [];
  if (env.ZOOM_SDK_KEY && !credentials.zoom) {
    notes.push(
      'ZOOM_SDK_KEY is a Meeting SDK key and cannot read anyone\'s presence; Zoom stays disconnected. ' +
        'Set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (a Server-to-Server OAuth app) instead.',
    );
  }
  if (env.REDIS_URL) notes.push('REDIS_URL is reserved for the scale-out step; this version keeps its cache in memory.');
  const anyCredentials = Object.keys(credentials).length > 0;
  const sandbox = env.PRESENCE_SANDBOX ?? !anyCredentials;
  const consentFromEnv = env.PRESENCE_CONSENT_DEFAULT === undefined ? undefined : env.PRESENCE_CONSENT_DEFAULT === 'granted';
  if (sandbox && anyCredentials) notes.push('PRESENCE_SANDBOX=true: platform credentials from the environment are ignored.');

  const pollIntervalsMs: AppConfig['pollIntervalsMs'] = {};
  const overrides = env as unknown as Record<string, number | undefined>;
  for (const platform of PLATFORMS) {
    const seconds = overrides[`PRESENCE_POLL_INTERVAL_${platform.toUpperCase()}`];
    if (seconds !== undefined) pollIntervalsMs[platform] = seconds * 1000;
  }

  return {
    port: env.PORT,
    publicUrl: env.PRESENCE_PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    database: env.DATABASE_URL ? { type: 'postgres', url: env.DATABASE_URL } : { type: 'sqlite', path: env.PRESENCE_DB_PATH },
    redisUrl: env.REDIS_URL,
    dataDir: env.PRESENCE_DATA_DIR,
    logLevel: env.PRESENCE_LOG_LEVEL,
    pollIntervalMs: env.PRESENCE_POLL_INTERVAL * 1000,
    pollIntervalsMs,
    cacheTtlMs: env.PRESENCE_CACHE_TTL * 1000,
    maxRetries: env.PRESENCE_MAX_RETRIES,
    encryptionKey: env.PRESENCE_ENCRYPTION_KEY ? Buffer.from(env.PRESENCE_ENCRYPTION_KEY, 'base64') : undefined,
    apiToken: env.PRESENCE_API_TOKEN,
    defaultPolicy: env.PRESENCE_DEFAULT_POLICY as AggregationPolicyName,
    recencyWindowMs: env.PRESENCE_RECENCY_WINDOW * 1000,
    consentDefault: consentFromEnv ?? sandbox,
    consentFromEnv,
    storeDetails: env.PRESENCE_STORE_DETAILS ?? false,
    auditRetentionDays: env.PRESENCE_AUDIT_RETENTION_DAYS,
    rateLimitPerMinute: env.PRESENCE_RATE_LIMIT,
    sandbox,
    sandboxAuto: env.PRESENCE_SANDBOX === undefined && sandbox,
    credentials: sandbox ? {} : credentials,
    oauthClients: oauthClientsFrom(env),
    baseUrls: {
      discordApi: env.DISCORD_API_BASE_URL,
      slackApi: env.SLACK_API_BASE_URL,
      graphApi: env.GRAPH_API_BASE_URL,
      microsoftLogin: env.MICROSOFT_LOGIN_BASE_URL,
      zoomApi: env.ZOOM_API_BASE_URL,
      zoomOAuth: env.ZOOM_OAUTH_BASE_URL,
      whatsappGraph: env.WHATSAPP_GRAPH_BASE_URL,
      whatsappApiVersion: env.WHATSAPP_API_VERSION,
      linkedinApi: env.LINKEDIN_API_BASE_URL,
      linkedinOAuth: env.LINKEDIN_OAUTH_BASE_URL,
    },
    notes,
    tuning: { ...DEFAULT_TUNING, ...tuning },
  };
}
