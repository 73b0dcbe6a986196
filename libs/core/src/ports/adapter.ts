import type { PresenceError } from '../model/errors';
import type { Platform } from '../model/platform';
import type { PlatformPresence } from '../model/presence';

/**
 * How a platform's records stay confirmed (see the blueprint's "Freshness"):
 * - `push`: fresh while the live connection is up; silence means "no change".
 * - `poll`: fresh until the platform's TTL passes without a successful re-read.
 * - `inferred`: never stale; the status decays from online to away with time since last seen.
 */
export type FreshnessMode = 'push' | 'poll' | 'inferred';

/** One rate budget an adapter declares: `limit` calls per `windowMs` in `bucket`. */
export interface RateBudgetSpec {
  bucket: string;
  limit: number;
  windowMs: number;
}

export type PresenceField =
  | 'activity'
  | 'customMessage'
  | 'lastSeen'
  | 'devices'
  | 'expiresAt'
  | 'sequence';

/** What an adapter can do, declared truthfully (the contract suite checks it). */
export interface AdapterCapabilities {
  freshness: FreshnessMode;
  /** Can read presence on demand (fetchPresence does network reads). */
  poll: boolean;
  /** Delivers changes as they happen (gateway, subscriptions, webhooks). */
  push: boolean;
  /** The status is inferred from recency signals, not read from a presence API. */
  inferred: boolean;
  /** Most platform ids one fetch call can carry to the platform. */
  batchSize: number;
  /**
   * How many ids a full sweep can re-read per minute within the rate budget; undefined when unbounded
   * in practice. Sets the freshness TTL floor: at least twice the sweep time.
   */
  idsPerMinute?: number;
  rateBudgets: readonly RateBudgetSpec[];
  fields: readonly PresenceField[];
}

export interface FetchResult {
  records: PlatformPresence[];
  /** Ids the platform does not know (404, user_not_found): reported, never thrown. */
  notFound: string[];
}

export type ConnectionState = 'connecting' | 'up' | 'down' | 'failed';

/** Where a push adapter delivers what it hears. */
export interface PushSink {
  presence(record: PlatformPresence): void;
  /** `failed` means the adapter gave up (bad token, intents not enabled) and will not reconnect by itself. */
  connection(state: ConnectionState, error?: PresenceError): void;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BudgetUse {
  bucket: string;
  used: number;
  limit: number;
  windowMs: number;
}

/** A snapshot of an adapter's resilience state, for statistics, health and metrics. */
export interface AdapterHealth {
  breaker: BreakerState;
  /** While open: how long until the breaker lets a trial call through. */
  breakerRetryInMs?: number;
  budgets: BudgetUse[];
  retries: number;
  connection?: ConnectionState;
  /**
   * For adapters that push to part of the tracked ids and poll the rest (one Graph subscription per
   * signed-in user covers at most 650 people): how many are pushed and how many polled right now.
   */
  coverage?: { pushed: number; polled: number };
  lastError?: { code: string; message: string; at: Date };
}

/** A webhook delivery as the service received it: the raw body untouched, since signatures cover its bytes. */
export interface WebhookDelivery {
  method: 'GET' | 'POST';
  headers: Readonly<Record<string, string | undefined>>;
  query: Readonly<Record<string, string>>;
  rawBody: Buffer;
}

/**
 * What to answer the platform. What a genuine delivery carried reaches core through the adapter's push sink,
 * never through this reply.
 */
export interface WebhookReply {
  status: number;
  body: unknown;
  contentType?: string;
}

/**
 * The port every platform adapter implements. Adapters speak platform ids; the aggregator maps them to
 * people. Every failure is thrown as a `PresenceError`.
 */
export interface PresenceAdapter {
  readonly platform: Platform;
  readonly capabilities: AdapterCapabilities;
  /** Verifies credentials and opens what the platform needs; throws AUTH_INVALID and friends. */
  connect(): Promise<void>;
  /** Reads presence for up to any number of ids; the adapter batches and paces within its budget. */
  fetchPresence(accountIds: readonly string[]): Promise<FetchResult>;
  /** For push platforms: start delivering events to the sink. */
  startPush?(sink: PushSink): Promise<void>;
  /**
   * Stops delivering: closes push connections (keeping what a later `startPush` needs to resume, such as
   * a Discord session) and releases or lets lapse what the platform holds for us (Graph subscriptions).
   * A later `startPush` brings it all back. After it resolves the sink hears nothing more.
   */
  stopPush?(): Promise<void>;
  /** The ids the service cares about (for Discord op 8, Graph subscriptions, sweeps). */
  setTrackedIds?(accountIds: readonly string[]): void;
  health?(): AdapterHealth;
  /**
   * For platforms that deliver by webhook: verifies one delivery against the connection's secrets, answers
   * handshakes, and hands what it carried to the push sink (while push is started).
   */
  handleWebhook?(delivery: WebhookDelivery): WebhookReply;
  /** Releases every timer, socket and subscription. */
  close(): Promise<void>;
}

/** Builds an adapter from the seed-style credential record given to `initializePlatform`. */
export type AdapterFactory = (credentials: Readonly<Record<string, unknown>>) => PresenceAdapter;
