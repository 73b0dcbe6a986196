import type { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import type { Clock, Platform, PlatformPresence, PresenceAdapter } from '@amo/presence-core';
import type { BaseUrls, AppConfig } from '../config/app-config';

/** What every platform's wiring may use to build its adapter. */
export interface WiringContext {
  config: AppConfig;
  /** The configured base URLs, or the sandbox emulators' in sandbox mode. */
  baseUrls: BaseUrls;
  clock: Clock;
  /** One registry for the whole service, so a reconnected adapter keeps its platform's budget use. */
  budgets: RateBudgetRegistry;
  /** fetch, timed per platform for the latency histograms. */
  fetch: typeof fetch;
  logger: { log(message: string): void; warn(message: string): void; error(message: string): void };
  /**
   * Small per-platform state that survives a restart (Discord session, Graph subscriptions): read from
   * memory (loaded at start), written through to the store; setting null or undefined removes the entry.
   */
  state: {
    get<T>(key: string): T | undefined;
    set<T>(key: string, value: T): void;
  };
  /** After a token refresh: the connection's new credential record, stored encrypted (when it is a stored one). */
  saveCredentials(credentials: Record<string, unknown>, expiresAt?: Date): void;
}

/** A webhook request as the controller received it: the RAW body, for signatures. */
export interface WebhookInput {
  method: 'GET' | 'POST';
  headers: Record<string, string | undefined>;
  query: Record<string, string>;
  rawBody: Buffer;
}

/** What to answer the platform, and the presence records the delivery carried. */
export interface WebhookOutput {
  status: number;
  body: unknown;
  contentType?: string;
  records: PlatformPresence[];
}

export interface WebhookTarget {
  credentials: Readonly<Record<string, unknown>> | undefined;
  adapter: PresenceAdapter | undefined;
  clock: Clock;
}

/** The OAuth connect flow for one platform (authorize + token endpoints, scopes, and what a grant becomes). */
export interface OAuthWiring {
  authorizeUrl(baseUrls: BaseUrls, tenantId?: string): string;
  tokenUrl(baseUrls: BaseUrls, tenantId?: string): string;
  scope: string;
  clientAuth: 'basic' | 'body';
  /** Whether the platform takes PKCE (RFC 7636) on this flow. */
  pkce: boolean;
  extraParams?: Record<string, string>;
  /** Turns the token response (and callback query) into the connection's credential record. */
  toCredentials(grant: {
    tokens: { accessToken: string; refreshToken?: string; expiresAt?: number; scope?: string; raw: Record<string, unknown> };
    query: Record<string, string>;
    client: { clientId: string; clientSecret?: string; tenantId?: string };
    existing: Readonly<Record<string, unknown>> | undefined;
  }): Record<string, unknown>;
  kind: 'app' | 'delegated';
  /** Why the flow cannot start with this connection (undefined: it can), e.g. a bot install needs the bot token. */
  precondition?(existing: Readonly<Record<string, unknown>> | undefined): string | undefined;
}

/**
 * One platform, wired: the adapter library's credential parser, factory and webhook handler, pointed at
 * the configured base URLs. Adding a platform to the service is one of these plus one line in the registry.
 */
export interface PlatformWiring {
  platform: Platform;
  /** The seed-style record checked; throws InvalidInputError naming the bad field. */
  parseCredentials(record: Readonly<Record<string, unknown>>): Record<string, unknown>;
  createAdapter(credentials: Readonly<Record<string, unknown>>, context: WiringContext): PresenceAdapter;
  webhook?: {
    methods: readonly ('GET' | 'POST')[];
    handle(input: WebhookInput, target: WebhookTarget): Promise<WebhookOutput> | WebhookOutput;
  };
  oauth?: OAuthWiring;
}
