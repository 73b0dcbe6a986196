import type { BackoffOptions, BreakerOptions, RateBudgetRegistry, TimerClock, TokenProvider } from '@amo/presence-adapter-kit';
import { InvalidInputError } from '@amo/presence-core';
import type { KeyObject } from 'node:crypto';
import { parseTeamsCredentials, type TeamsCredentials } from './teams.credentials';
import { TEAMS_DEFAULT_GRAPH_BASE_URL, TEAMS_DEFAULT_LOGIN_BASE_URL, TEAMS_GRAPH_SCOPE, TEAMS_MAX_SUBSCRIPTION_MS, TEAMS_WEBHOOK_PATH } from './teams.manifest';
import type { SavedTeamsSubscription } from './teams.subscriptions';

/** The certificate Graph encrypts rich notifications to, and its private key (from the credential vault). */
export interface TeamsEncryptionConfig {
  /** X.509 certificate, PEM or base64 DER (RSA 2048-4096). */
  certificate: string;
  /** Any id of ours; Graph echoes it so the right key is picked after a rotation. */
  certificateId: string;
  privateKey: string | KeyObject;
}

/** Change notifications: Graph refuses app-only presence subscriptions, so push needs a delegated token. */
export interface TeamsPushConfig {
  /** A signed-in user's token with Presence.Read.All (delegated): the OAuth connection, or an injected token. */
  delegatedAuth: TokenProvider;
  /** The service's public base URL; notifications go to `publicUrl + /v1/webhooks/teams`. */
  publicUrl?: string;
  /** Overrides the URL derived from `publicUrl`. */
  notificationUrl?: string;
  /** Lifecycle events (reauthorizationRequired); default the notification URL. */
  lifecycleNotificationUrl?: string;
  /** Rich notifications (presence in the payload, no read per change); without it notifications are basic. */
  encryption?: TeamsEncryptionConfig;
  /** Subscriptions saved by `onSubscriptionsChanged` before a restart, to resume instead of re-creating. */
  subscriptions?: readonly SavedTeamsSubscription[];
  /** The save callback: called with the full set after every change. */
  onSubscriptionsChanged?: (subscriptions: SavedTeamsSubscription[]) => void;
  /** Requested subscription lifetime, at most 60 minutes (default 59). */
  lifetimeMs?: number;
  /** Renew this long before expiry (default 10 minutes). */
  renewBeforeMs?: number;
  /** Retry a failed create or renew after this long (default 60 s). */
  retryMs?: number;
  /** Leave subscriptions on Graph at close (a rolling restart resumes them); default false: close deletes them. */
  keepOnClose?: boolean;
}

export interface TeamsAdapterConfig {
  /** Seed-style credential record or parsed credentials (tenant, client id, secret, optional base URLs). */
  credentials: TeamsCredentials | Readonly<Record<string, unknown>>;
  /** Graph root without version; default https://graph.microsoft.com (national clouds differ). */
  graphBaseUrl?: string;
  /** Identity platform root; default https://login.microsoftonline.com. */
  loginBaseUrl?: string;
  /** Token scope; default https://graph.microsoft.com/.default (national clouds use their Graph host). */
  scope?: string;
  /** getPresencesByUserId batches in flight at once (default 4); the tenant budget paces them. */
  concurrency?: number;
  /** Per-call timeout (default 10 s), token requests included. */
  timeoutMs?: number;
  /** Retries per request (the seed's PRESENCE_MAX_RETRIES, default 3). */
  maxRetries?: number;
  /** Full-jitter backoff between retries (kit defaults). */
  backoff?: BackoffOptions;
  /** Circuit breaker (kit defaults: 5 failures, 30 s cooldown). */
  breaker?: BreakerOptions;
  push?: TeamsPushConfig;
}

export interface TeamsAdapterDeps {
  /** Time and timers (token expiry, budgets, subscription renewal); tests pass a manual clock. */
  clock?: TimerClock;
  fetch?: typeof fetch;
  /** Shared budget registry, so every Teams adapter of a tenant counts against the same 1,500 / 30 s. */
  budgets?: RateBudgetRegistry;
  random?: () => number;
}

export interface ResolvedTeamsConfig {
  credentials: TeamsCredentials;
  graphBaseUrl: string;
  loginBaseUrl: string;
  tokenUrl: string;
  scope: string;
  concurrency: number;
  notificationUrl?: string;
  lifecycleNotificationUrl?: string;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Resolves defaults and validates the push settings; throws InvalidInputError naming the bad field. */
export function resolveTeamsConfig(config: TeamsAdapterConfig): ResolvedTeamsConfig {
  const credentials = parseTeamsCredentials(config.credentials as Readonly<Record<string, unknown>>);
  const graphBaseUrl = trimSlash(config.graphBaseUrl ?? credentials.graphBaseUrl ?? TEAMS_DEFAULT_GRAPH_BASE_URL);
  const loginBaseUrl = trimSlash(config.loginBaseUrl ?? credentials.loginBaseUrl ?? TEAMS_DEFAULT_LOGIN_BASE_URL);
  const concurrency = config.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidInputError('teams config: concurrency must be a positive integer');
  const resolved: ResolvedTeamsConfig = {
    credentials,
    graphBaseUrl,
    loginBaseUrl,
    tokenUrl: `${loginBaseUrl}/${encodeURIComponent(credentials.tenantId)}/oauth2/v2.0/token`,
    scope: config.scope ?? TEAMS_GRAPH_SCOPE,
    concurrency,
  };
  const push = config.push;
  if (push) {
    const notificationUrl = push.notificationUrl ?? (push.publicUrl ? `${trimSlash(push.publicUrl)}${TEAMS_WEBHOOK_PATH}` : undefined);
    if (!notificationUrl) throw new InvalidInputError('teams config: push needs publicUrl or notificationUrl');
    if (!/^https?:\/\//i.test(notificationUrl)) throw new InvalidInputError('teams config: push notificationUrl must be an http(s) URL');
    if (push.lifetimeMs !== undefined && !(push.lifetimeMs > 0 && push.lifetimeMs <= TEAMS_MAX_SUBSCRIPTION_MS)) {
      throw new InvalidInputError('teams config: push lifetimeMs must be within 60 minutes');
    }
    const lifetime = push.lifetimeMs ?? 59 * 60_000;
    if (push.renewBeforeMs !== undefined && !(push.renewBeforeMs > 0 && push.renewBeforeMs < lifetime)) {
      throw new InvalidInputError('teams config: push renewBeforeMs must be positive and shorter than the lifetime');
    }
    resolved.notificationUrl = notificationUrl;
    resolved.lifecycleNotificationUrl = push.lifecycleNotificationUrl ?? notificationUrl;
  }
  return resolved;
}
