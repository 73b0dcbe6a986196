import type { AdapterHttpTuning, AggregationPolicyName, EndpointValues, Platform } from '@amo/presence-core';

/** Seed-style credentials for one platform (`bot_token`, `guild_id`, ...), as `initialize_platform` takes them. */
export type CredentialRecord = Record<string, string>;

export type DatabaseConfig = { type: 'sqlite'; path: string } | { type: 'postgres'; url: string; schema?: string };

/** What this instance does in a cluster: `api` serves HTTP and the stream, `worker` polls and owns push connections. */
export type InstanceRole = 'api' | 'worker' | 'all';

/** This process's name (logs, metrics, health, the change bus's origin) and role (`all` outside cluster mode). */
export interface InstanceConfig {
  id: string;
  role: InstanceRole;
}

/** Set only in cluster mode: DATABASE_URL is postgres:// and REDIS_URL is set. */
export interface ClusterConfig {
  redisUrl: string;
  /** Every Redis key starts with it (PRESENCE_REDIS_PREFIX): one cluster, or one test, per prefix. */
  redisPrefix: string;
  /** How long a push connection's owner holds it without renewing (PRESENCE_LEASE_SECONDS). */
  leaseMs: number;
}

/** Knobs with sensible defaults that are not environment variables; tests shorten them. */
export interface Tuning {
  /** How often the stream pings clients; a client that missed the previous ping is dropped. */
  streamHeartbeatMs: number;
  /** A client whose unsent data passes this is dropped rather than buffered without bound. */
  streamMaxBufferedBytes: number;
  /** How often platform health is compared with the last report (drives `platform` stream messages). */
  platformCheckMs: number;
  /** Changes are written to the snapshot in one transaction per flush. */
  snapshotFlushMs: number;
  /** SIGTERM: exit within this, whatever is still running. */
  shutdownTimeoutMs: number;
  /** Largest request body accepted (413 above). */
  bodyLimitBytes: number;
  /** How long OAuth state stays valid. */
  oauthStateTtlMs: number;
  /** An outbound event delivery that has not been answered within this is a failed attempt. */
  eventsWebhookTimeoutMs: number;
  /** Backoff between outbound event attempts: the first retry's ceiling, and the largest (full jitter). */
  eventsWebhookRetryBaseMs: number;
  eventsWebhookRetryMaxMs: number;
  /** Outbound deliveries in flight at once (one per person or platform at most). */
  eventsWebhookConcurrency: number;
  /** A client must send all request headers within this (408 after; Node's default is 60 s). */
  headersTimeoutMs: number;
  /** A client must send the whole request, body included, within this (408 after; Node's default is 300 s). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (behind a proxy, set it above the proxy's idle timeout). */
  keepAliveTimeoutMs: number;
  /** Requests one keep-alive connection may carry before the server closes it (0: no limit). */
  maxRequestsPerSocket: number;
  /** How often the server looks for connections past the header and request timeouts. */
  connectionsCheckingIntervalMs: number;
  /** Failed API-key attempts (unknown or revoked keys) per source address per minute, bursts included; 429 after. */
  authFailuresPerMinute: number;
  /** Platform HTTP clients' timeout and breaker cool-down (unset: the adapter kit's 10 s and 30 s); fault tests shorten them. */
  platformHttp?: AdapterHttpTuning;
}

/** Where aggregate and platform changes are POSTed, signed (`PRESENCE_EVENTS_WEBHOOK_*`). */
export interface EventsWebhookConfig {
  url: string;
  /** The HMAC-SHA256 key of `X-Presence-Signature`. */
  secret: string;
  /** Attempts per event, the first included, before it is dropped. */
  maxAttempts: number;
}

/** Everything the service reads at start, validated once; nothing reads `process.env` after this. */
export interface AppConfig {
  port: number;
  publicUrl: string;
  database: DatabaseConfig;
  redisUrl?: string;
  instance: InstanceConfig;
  /** Cluster mode's settings; undefined in the embedded default (one process, SQLite or PostgreSQL, in-memory cache). */
  cluster?: ClusterConfig;
  dataDir: string;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** `text` for people (Nest's console format), `json` for machines (one object per line). */
  logFormat: 'text' | 'json';
  /** Origins browser apps may call from (CORS); `['*']` is any origin; empty: no CORS headers at all. */
  corsOrigins: string[];
  pollIntervalMs: number;
  pollIntervalsMs: Partial<Record<Platform, number>>;
  cacheTtlMs: number;
  maxRetries: number;
  /** 32 bytes; undefined means "use (or create) the key file under dataDir". */
  encryptionKey?: Buffer;
  /** The bootstrap admin key; undefined means "use (or create) dataDir/admin-token". */
  apiToken?: string;
  defaultPolicy: AggregationPolicyName;
  recencyWindowMs: number;
  consentDefault: boolean;
  /** PRESENCE_CONSENT_DEFAULT as set; unset means "follow the mode" (denied, or granted in sandbox mode). */
  consentFromEnv?: boolean;
  storeDetails: boolean;
  auditRetentionDays: number;
  /** Days the opt-in availability patterns keep an hour (PRESENCE_PATTERN_RETENTION_DAYS, else the audit retention). */
  patternRetentionDays: number;
  rateLimitPerMinute: number;
  sandbox: boolean;
  /**
   * Sandbox mode was chosen only because the environment names no platform: stored connections (set up
   * through the API or OAuth) still turn it off at start (see `resolveStartMode`).
   */
  sandboxAuto: boolean;
  /** Platforms whose credentials came from the environment: connected and monitored at start. */
  credentials: Partial<Record<Platform, CredentialRecord>>;
  /** OAuth app credentials (client id and secret) per platform, for the connect flow. */
  oauthClients: Partial<Record<Platform, { clientId: string; clientSecret?: string; tenantId?: string }>>;
  /** Each registered platform's endpoint settings by key (`discordApi`), defaults applied. */
  baseUrls: EndpointValues;
  /** Human-readable notes for the start log (never containing a secret). */
  notes: string[];
  tuning: Tuning;
  /** Unset: no outbound events are queued or sent. */
  eventsWebhook?: EventsWebhookConfig;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export const DEFAULT_TUNING: Tuning = {
  streamHeartbeatMs: 30_000,
  streamMaxBufferedBytes: 1024 * 1024,
  platformCheckMs: 5_000,
  snapshotFlushMs: 1_000,
  shutdownTimeoutMs: 10_000,
  bodyLimitBytes: 512 * 1024,
  oauthStateTtlMs: 10 * 60_000,
  eventsWebhookTimeoutMs: 10_000,
  eventsWebhookRetryBaseMs: 1_000,
  eventsWebhookRetryMaxMs: 5 * 60_000,
  eventsWebhookConcurrency: 8,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxRequestsPerSocket: 10_000,
  connectionsCheckingIntervalMs: 1_000,
  authFailuresPerMinute: 100,
};
