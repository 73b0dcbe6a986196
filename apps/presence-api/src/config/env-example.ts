import { PLATFORM_REGISTRY, type PlatformRegistry } from '../platforms/platform-registry';
import { buildEnvSchema, pollIntervalEnv } from './config.schema';

/** One line each; a variable without a schema default says what unset means. */
export interface Help {
  meaning: string;
  unset?: string;
}

/** Every service variable the schema reads must be here: `renderEnvExample` throws for one that is not. */
export const SERVICE_HELP: Readonly<Record<string, Help>> = {
  PORT: { meaning: 'HTTP and WebSocket port.' },
  PRESENCE_PUBLIC_URL: { meaning: 'Where platforms and browsers reach the service (OAuth redirects, Graph notification URLs).', unset: 'http://localhost:$PORT' },
  PRESENCE_DB_PATH: { meaning: 'The SQLite file (ignored when DATABASE_URL is set).' },
  DATABASE_URL: { meaning: 'postgres://user:pass@host:5432/db: PostgreSQL instead of SQLite.', unset: 'SQLite' },
  REDIS_URL: { meaning: 'redis://host:6379: with a postgres:// DATABASE_URL, cluster mode (shared cache, change fan-out, leases, shared limits).', unset: 'one process, in-memory cache' },
  PRESENCE_DATABASE_SCHEMA: { meaning: 'PostgreSQL schema for every table, created if missing (one cluster per schema).', unset: 'public' },
  PRESENCE_REDIS_PREFIX: { meaning: 'Cluster mode: every Redis key starts with it (one cluster per prefix).' },
  PRESENCE_ROLE: { meaning: 'Cluster mode: api (HTTP and stream only), worker (polls and owns push connections) or all.' },
  PRESENCE_INSTANCE_ID: { meaning: 'This instance\'s name in logs, metrics and health.', unset: 'host name and pid' },
  PRESENCE_LEASE_SECONDS: { meaning: 'Cluster mode: seconds a push connection\'s owner holds it without renewing (takeover after its death).' },
  PRESENCE_DATA_DIR: { meaning: 'Where the generated admin-token and encryption-key files go.' },
  PRESENCE_LOG_LEVEL: { meaning: 'error, warn, log, debug or verbose (debug adds Nest\'s module and route lines).' },
  PRESENCE_LOG_FORMAT: { meaning: 'text for people, json for machines (one object per line: time, level, context, message, requestId).' },
  PRESENCE_CORS_ORIGINS: { meaning: 'Comma-separated origins browser apps may call from (CORS), or *.', unset: 'no CORS headers' },
  PRESENCE_POLL_INTERVAL: { meaning: 'Seconds between polls of a polled platform.' },
  PRESENCE_CACHE_TTL: { meaning: 'Seconds a polled record stays fresh without a successful re-read.' },
  PRESENCE_MAX_RETRIES: { meaning: 'Retries of one transient or rate-limited platform request.' },
  PRESENCE_ENCRYPTION_KEY: { meaning: 'Base64 of 32 bytes (openssl rand -base64 32): encrypts stored platform credentials.', unset: 'the file $PRESENCE_DATA_DIR/encryption-key' },
  PRESENCE_API_TOKEN: { meaning: 'The bootstrap admin API key (at least 16 characters).', unset: 'generated into $PRESENCE_DATA_DIR/admin-token' },
  PRESENCE_DEFAULT_POLICY: { meaning: 'Aggregation policy: highest-priority or busy-wins.' },
  PRESENCE_RECENCY_WINDOW: { meaning: 'WhatsApp and LinkedIn: seconds a real signal reads as online.' },
  PRESENCE_CONSENT_DEFAULT: { meaning: 'Monitoring consent for people who have not said: granted or denied.', unset: 'denied (granted in sandbox mode)' },
  PRESENCE_STORE_DETAILS: { meaning: 'Also write activity, custom message, raw status and devices to the snapshot on disk.' },
  PRESENCE_AUDIT_RETENTION_DAYS: { meaning: 'Days the audit log keeps a change.' },
  PRESENCE_PATTERN_RETENTION_DAYS: { meaning: 'Days opt-in availability patterns keep an hour (suggestions learn from them).', unset: 'PRESENCE_AUDIT_RETENTION_DAYS' },
  PRESENCE_RATE_LIMIT: { meaning: 'Requests per minute per API key (429 with Retry-After above).' },
  PRESENCE_EVENTS_WEBHOOK_URL: { meaning: 'Where aggregate and platform changes are POSTed, signed.', unset: 'no outbound events' },
  PRESENCE_EVENTS_WEBHOOK_SECRET: { meaning: 'The HMAC-SHA256 key of X-Presence-Signature (at least 16 characters; required with the URL).' },
  PRESENCE_EVENTS_WEBHOOK_MAX_ATTEMPTS: { meaning: 'Attempts per outbound event, the first included, before it is dropped.' },
  PRESENCE_SANDBOX: { meaning: 'true: emulated platforms and sample people; false: never.', unset: 'sandbox exactly when no platform has credentials' },
};

const line = (name: string, value: unknown, help: Help): string[] => [
  `# ${help.meaning}${help.unset ? ` Unset: ${help.unset}.` : ''}`,
  `#${name}=${value === undefined ? '' : Array.isArray(value) ? value.join(',') : String(value)}`,
];

/**
 * The committed `.env.example`: every variable the schema reads for this registry, each with its default and
 * one line of meaning, commented out so a copy changes nothing until a line is uncommented. Throws when the
 * schema reads a variable nothing here explains.
 */
export function renderEnvExample(registry: PlatformRegistry = PLATFORM_REGISTRY, help: Readonly<Record<string, Help>> = SERVICE_HELP): string {
  const schema = buildEnvSchema(registry);
  const defaults = schema.parse({}) as Record<string, unknown>;
  const names = new Set(Object.keys(schema.shape));
  const out = [
    '# Presence Aggregator: every variable the service reads, with its default. `npm start` reads ./.env when',
    '# present (Node\'s --env-file); variables set in the real environment win over the file.',
    '# Copy this file to .env and uncomment what you change. Generated from the config schema by',
    '# apps/presence-api/src/config/env-example.spec.ts (UPDATE_ENV_EXAMPLE=1 rewrites it): do not edit by hand.',
    '',
    '## Service',
  ];
  const explain = (name: string, help: Help): void => {
    names.delete(name);
    out.push(...line(name, defaults[name], help));
  };
  for (const [name, meaning] of Object.entries(help)) if (names.has(name)) explain(name, meaning);
  for (const descriptor of registry) {
    out.push('', `## ${descriptor.displayName}`);
    for (const field of descriptor.credentials) {
      if (!field.env || !names.has(field.env)) continue;
      const role = field.required ? 'required to connect' : 'optional';
      explain(field.env, { meaning: `${field.description.replace(/\.$/, '')} (${role}${field.secret ? ', secret' : ''}).` });
    }
    for (const spec of descriptor.endpoints) {
      const meaning = spec.format
        ? `${descriptor.displayName}: the ${spec.key} setting (${spec.format.message}).`
        : `${descriptor.displayName}: base URL for ${spec.key}; point it at an emulator or a proxy.`;
      explain(spec.env, { meaning, unset: spec.default === undefined ? 'the adapter\'s own' : undefined });
    }
    explain(pollIntervalEnv(descriptor.platform), { meaning: `Seconds between ${descriptor.displayName} polls.`, unset: 'PRESENCE_POLL_INTERVAL applies' });
  }
  if (names.size > 0) throw new Error(`read by the schema but not explained: ${[...names].join(', ')}`);
  return `${out.join('\n')}\n`;
}
