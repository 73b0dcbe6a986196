import type { AggregationPolicyName, CredentialFieldSpec, EndpointValues, Platform } from '@amo/presence-core';
import { PLATFORM_REGISTRY, type PlatformRegistry, type ServicePlatform } from '../platforms/platform-registry';
import { hostname } from 'node:os';
import { type AppConfig, type ClusterConfig, type CredentialRecord, DEFAULT_TUNING, type Tuning } from './app-config';
import { buildEnvSchema, type Env, pollIntervalEnv } from './config.schema';

/** A configuration problem; the message names every bad variable and says what it must be. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

type Values = Readonly<Record<string, unknown>>;

/** Env names whose value may be shown in an error message (never a credential). */
function describeValue(name: string, value: unknown, secrets: ReadonlySet<string>): string {
  if (secrets.has(name) || /TOKEN|SECRET|KEY|PASSWORD/.test(name) || name === 'DATABASE_URL' || name === 'REDIS_URL') return '';
  return ` (got ${JSON.stringify(value)})`;
}

/** Blank values count as unset, as most deployment tools write `FOO=` for "not given". */
function present(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value.trim() !== '') out[name] = value;
  return out;
}

const envOf = (fields: readonly CredentialFieldSpec[]) => fields.filter((field): field is CredentialFieldSpec & { env: string } => field.env !== undefined);

/** The platform's credential record from its fields' variables; undefined when none that connects is set. */
function credentialsOf(descriptor: ServicePlatform, env: Values, problems: string[]): CredentialRecord | undefined {
  const fields = envOf(descriptor.credentials).filter((field) => field.startup !== 'ignored');
  const triggers = fields.filter((field) => (field.startup ?? 'connects') === 'connects');
  if (!triggers.some((field) => env[field.env] !== undefined)) return undefined;
  const missing = fields.filter((field) => field.required && env[field.env] === undefined).map((field) => field.env);
  if (missing.length > 0) {
    const given = triggers.filter((field) => env[field.env] !== undefined).map((field) => field.env);
    problems.push(`${missing.join(', ')} must be set too: ${descriptor.platform} is configured (${given.join(', ')} set) but incomplete`);
    return undefined;
  }
  const record: CredentialRecord = {};
  for (const field of fields) {
    const value = env[field.env];
    if (typeof value === 'string') record[field.key] = value;
  }
  return record;
}

function oauthClientOf(descriptor: ServicePlatform, env: Values): AppConfig['oauthClients'][Platform] {
  const names = descriptor.oauth?.clientFromEnv;
  const read = (name: string | undefined) => (name === undefined ? undefined : (env[name] as string | undefined));
  const clientId = read(names?.clientId);
  if (!names || !clientId || read(names.unlessSet) !== undefined) return undefined;
  const client: NonNullable<AppConfig['oauthClients'][Platform]> = { clientId, clientSecret: read(names.clientSecret) };
  if (names.tenantId) client.tenantId = read(names.tenantId);
  return client;
}

function endpointsOf(registry: PlatformRegistry, env: Values): EndpointValues {
  const out: Record<string, string | undefined> = {};
  for (const spec of registry.flatMap((descriptor) => descriptor.endpoints)) out[spec.key] = env[spec.env] as string | undefined;
  return out;
}

/** `host-pid`: unique per process on a machine, readable in logs. */
export function defaultInstanceId(): string {
  return `${hostname().replace(/[^A-Za-z0-9_.:-]/g, '-').slice(0, 48)}-${process.pid}`;
}

/** Cluster mode iff the store is PostgreSQL and REDIS_URL is set; the embedded default otherwise. */
function clusterOf(env: Env, database: AppConfig['database']): ClusterConfig | undefined {
  if (database.type !== 'postgres' || !env.REDIS_URL) return undefined;
  return { redisUrl: env.REDIS_URL, redisPrefix: env.PRESENCE_REDIS_PREFIX, leaseMs: env.PRESENCE_LEASE_SECONDS * 1000 };
}

/**
 * Reads the environment once: validates every CONTRACT variable (the service's own and each registered
 * platform's), groups platform credentials into the seed's credential records, and throws one
 * {@link ConfigError} listing every problem.
 */
export function loadConfig(
  rawEnv: Readonly<Record<string, string | undefined>>,
  tuning: Partial<Tuning> = {},
  registry: PlatformRegistry = PLATFORM_REGISTRY,
): AppConfig {
  const values = present(rawEnv);
  const parsed = buildEnvSchema(registry).safeParse(values);
  if (!parsed.success) {
    const secrets = new Set(registry.flatMap((descriptor) => envOf(descriptor.credentials).filter((field) => field.secret).map((field) => field.env)));
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      return `${name} ${issue.message}${describeValue(name, values[name], secrets)}`;
    });
    throw new ConfigError(problems);
  }
  const all = parsed.data as Values;
  const env = parsed.data as Env;
  const problems: string[] = [];
  const credentials: AppConfig['credentials'] = {};
  const oauthClients: AppConfig['oauthClients'] = {};
  const pollIntervalsMs: AppConfig['pollIntervalsMs'] = {};
  for (const descriptor of registry) {
    const record = credentialsOf(descriptor, all, problems);
    if (record) credentials[descriptor.platform] = record;
    const client = oauthClientOf(descriptor, all);
    if (client) oauthClients[descriptor.platform] = client;
    const seconds = all[pollIntervalEnv(descriptor.platform)];
    if (typeof seconds === 'number') pollIntervalsMs[descriptor.platform] = seconds * 1000;
  }
  if (env.PRESENCE_EVENTS_WEBHOOK_URL && !env.PRESENCE_EVENTS_WEBHOOK_SECRET) {
    problems.push('PRESENCE_EVENTS_WEBHOOK_SECRET must be set too: PRESENCE_EVENTS_WEBHOOK_URL is set, and every delivery is signed with it');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const notes = registry.flatMap((descriptor) => descriptor.notes?.(values, credentials[descriptor.platform] !== undefined) ?? []);
  if (env.PRESENCE_EVENTS_WEBHOOK_SECRET && !env.PRESENCE_EVENTS_WEBHOOK_URL) {
    notes.push('PRESENCE_EVENTS_WEBHOOK_SECRET is set without PRESENCE_EVENTS_WEBHOOK_URL: no events are sent.');
  }
  const database: AppConfig['database'] = env.DATABASE_URL
    ? { type: 'postgres', url: env.DATABASE_URL, ...(env.PRESENCE_DATABASE_SCHEMA ? { schema: env.PRESENCE_DATABASE_SCHEMA } : {}) }
    : { type: 'sqlite', path: env.PRESENCE_DB_PATH };
  const cluster = clusterOf(env, database);
  if (env.REDIS_URL && !cluster) notes.push('REDIS_URL is used only with a postgres:// DATABASE_URL (cluster mode): this instance runs alone, its cache in memory.');
  if (env.PRESENCE_ROLE !== 'all' && !cluster) notes.push(`PRESENCE_ROLE=${env.PRESENCE_ROLE} applies in cluster mode only: this instance runs everything.`);
  const anyCredentials = Object.keys(credentials).length > 0;
  const sandbox = env.PRESENCE_SANDBOX ?? !anyCredentials;
  const consentFromEnv = env.PRESENCE_CONSENT_DEFAULT === undefined ? undefined : env.PRESENCE_CONSENT_DEFAULT === 'granted';
  if (sandbox && anyCredentials) notes.push('PRESENCE_SANDBOX=true: platform credentials from the environment are ignored.');

  return {
    port: env.PORT,
    publicUrl: env.PRESENCE_PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    database,
    redisUrl: env.REDIS_URL,
    instance: { id: env.PRESENCE_INSTANCE_ID ?? defaultInstanceId(), role: cluster ? env.PRESENCE_ROLE : 'all' },
    cluster,
    dataDir: env.PRESENCE_DATA_DIR,
    logLevel: env.PRESENCE_LOG_LEVEL,
    logFormat: env.PRESENCE_LOG_FORMAT,
    corsOrigins: env.PRESENCE_CORS_ORIGINS ?? [],
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
    patternRetentionDays: env.PRESENCE_PATTERN_RETENTION_DAYS ?? env.PRESENCE_AUDIT_RETENTION_DAYS,
    rateLimitPerMinute: env.PRESENCE_RATE_LIMIT,
    sandbox,
    sandboxAuto: env.PRESENCE_SANDBOX === undefined && sandbox,
    credentials: sandbox ? {} : credentials,
    oauthClients,
    baseUrls: endpointsOf(registry, all),
    notes,
    tuning: { ...DEFAULT_TUNING, ...tuning },
    eventsWebhook:
      env.PRESENCE_EVENTS_WEBHOOK_URL && env.PRESENCE_EVENTS_WEBHOOK_SECRET
        ? { url: env.PRESENCE_EVENTS_WEBHOOK_URL, secret: env.PRESENCE_EVENTS_WEBHOOK_SECRET, maxAttempts: env.PRESENCE_EVENTS_WEBHOOK_MAX_ATTEMPTS }
        : undefined,
  };
}
