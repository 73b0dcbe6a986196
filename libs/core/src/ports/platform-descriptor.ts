import type { Platform } from '../model/platform';
import type { Normalized } from '../normalize/normalized';
import type { AdapterCapabilities, PresenceAdapter } from './adapter';
import type { Clock } from './clock';

/** A check a setting's value must pass, with the message that says what it must be. */
export interface SettingFormat {
  pattern: RegExp;
  message: string;
}

/**
 * What setting a credential field's environment variable does at start:
 * - `connects`: setting it means "connect this platform at start" (and it goes into the credential record);
 * - `joins`: it goes into the record when the platform connects, but alone it connects nothing (an OAuth
 *   app's client id, which on its own only enables the connect flow);
 * - `ignored`: read and validated, never put into the record (only the descriptor's `notes` look at it).
 */
export type CredentialStartup = 'connects' | 'joins' | 'ignored';

/** One field of a platform's seed-style credential record (`bot_token`, `guild_id`, ...). */
export interface CredentialFieldSpec {
  /** The key in the credential record, as `initialize_platform` takes it. */
  key: string;
  /** The environment variable that supplies it at start (a CONTRACT name), if any. */
  env?: string;
  /** Other keys a credential record may use for it. */
  aliases?: readonly string[];
  /** Never shown: not in logs, error messages or the live check's output. */
  secret: boolean;
  /** Needed for the platform to connect from the environment. */
  required: boolean;
  /** Default `connects`. */
  startup?: CredentialStartup;
  format?: SettingFormat;
  description: string;
}

/** A base URL (or other endpoint setting) the adapter is pointed at; tests and the sandbox point it at emulators. */
export interface EndpointSpec {
  /** The key adapters and the sandbox name it by (`discordApi`); unique across platforms. */
  key: string;
  /** The environment variable that overrides it (a CONTRACT name). */
  env: string;
  /** The platform's own value; without one the setting is optional. */
  default?: string;
  /** Default: an http(s) URL, trailing slashes removed. */
  format?: SettingFormat;
}

/** Endpoint settings by key, as configured (defaults applied) or as the sandbox's emulators answer. */
export type EndpointValues = Readonly<Record<string, string | undefined>>;

/** The value of an endpoint setting; throws when it has neither a configured value nor a default. */
export function endpointValue(values: EndpointValues, key: string): string {
  const value = values[key];
  if (value === undefined) throw new Error(`no value for the endpoint setting ${key}`);
  return value;
}

/** What a token endpoint answered, as the OAuth flow hands it to the descriptor. */
export interface OAuthGrant {
  tokens: { accessToken: string; refreshToken?: string; expiresAt?: number; scope?: string; raw: Record<string, unknown> };
  /** The callback's query (Discord names the guild the bot was added to). */
  query: Readonly<Record<string, string>>;
  client: { clientId: string; clientSecret?: string; tenantId?: string };
  /** The running connection's credentials, if any. */
  existing: Readonly<Record<string, unknown>> | undefined;
}

/** A platform's OAuth connect flow, as data plus what a grant becomes. */
export interface OAuthSpec {
  /** `app`: an installation (bot, workspace); `delegated`: a signed-in user's grant. */
  kind: 'app' | 'delegated';
  authorizeUrl(endpoints: EndpointValues, tenantId?: string): string;
  tokenUrl(endpoints: EndpointValues, tenantId?: string): string;
  scopes: readonly string[];
  /** How the scope parameter joins them: Slack takes commas, the others spaces. */
  scopeSeparator?: ' ' | ',';
  clientAuth: 'basic' | 'body';
  /** Whether the platform takes PKCE (RFC 7636) on this flow. */
  pkce: boolean;
  extraParams?: Readonly<Record<string, string>>;
  /**
   * The OAuth app's client from the environment, by variable name. `unlessSet` names a variable whose presence
   * means the app has no authorization flow (a Zoom Server-to-Server app).
   */
  clientFromEnv?: { clientId: string; clientSecret?: string; tenantId?: string; unlessSet?: string };
  /** Why the flow cannot start with this connection (undefined: it can). */
  precondition?(existing: Readonly<Record<string, unknown>> | undefined): string | undefined;
  /** The connection's credential record after the grant. */
  toCredentials(grant: OAuthGrant): Record<string, unknown>;
}

/** One webhook route; the path is always `/v1/webhooks/<platform>` (CONTRACT). */
export interface WebhookRouteSpec {
  method: 'GET' | 'POST';
  /** One line for the API documentation. */
  summary: string;
  /**
   * Whether a delivery's body tells it apart from every other delivery (default true: a retry repeats the body,
   * different deliveries carry an event id or time). False when two deliveries may read alike, as Graph's basic
   * notifications for two changes of one person: a cluster's delivery dedupe leaves such a route alone.
   */
  bodyIdentifiesDelivery?: boolean;
}

/**
 * How a platform's HTTP client waits: absent fields keep the adapter kit's defaults (10 s per call, a 30 s
 * breaker cool-down). Tests and soak runs shorten them so a hung platform is seen in milliseconds.
 */
export interface AdapterHttpTuning {
  /** Per-call timeout, headers and body. */
  timeoutMs?: number;
  /** How long an open circuit waits before one trial call. */
  breakerCooldownMs?: number;
}

/** Everything the service hands a descriptor's factory besides the credentials. */
export interface AdapterContext<Budgets = unknown> {
  /** The configured endpoints, or the sandbox emulators' in sandbox mode (defaults applied). */
  endpoints: EndpointValues;
  clock: Clock;
  /** One registry for the whole service, so a reconnected adapter keeps its platform's budget use. */
  budgets: Budgets;
  fetch: typeof fetch;
  logger: { log(message: string): void; warn(message: string): void; error(message: string): void };
  /**
   * Small per-platform state that survives a restart (Discord sessions, Graph subscriptions); setting null or
   * undefined removes the entry.
   */
  state: { get<T>(key: string): T | undefined; set<T>(key: string, value: T): void };
  /** After a token refresh: the connection's new credential record, stored encrypted when it is a stored one. */
  saveCredentials(credentials: Record<string, unknown>, expiresAt?: Date): void;
  /** Where the service is reachable (webhook and subscription URLs are below it). */
  publicUrl: string;
  maxRetries: number;
  /** The platform client's timeout and breaker cool-down; the kit's defaults where absent. */
  http?: AdapterHttpTuning;
  /** This platform's polling interval. */
  pollIntervalMs: number;
  /** How long a recency signal reads as online. */
  recencyWindowMs: number;
}

/**
 * One platform, described once: its configuration as data (credential fields with their environment names,
 * endpoints with defaults, OAuth, webhook routes, capabilities) and the factory that turns a credential record
 * into its adapter. The service, the live check and the docs derive everything platform-specific from a list
 * of these. `Budgets` is the rate-budget registry type the adapters share (the adapter kit's).
 */
export interface PlatformDescriptor<Budgets = unknown> {
  platform: Platform;
  displayName: string;
  credentials: readonly CredentialFieldSpec[];
  endpoints: readonly EndpointSpec[];
  /** The endpoint reports name as the platform's API (`discordApi`). */
  apiEndpoint: string;
  /** What the adapter declares with default options (rate budgets included). */
  capabilities: AdapterCapabilities;
  /** The status table (core's) for native values; absent for platforms whose status is inferred. */
  normalize?: (native: unknown) => Normalized;
  oauth?: OAuthSpec;
  /** Routes at `/v1/webhooks/<platform>`; the adapter's `handleWebhook` answers them. */
  webhooks: readonly WebhookRouteSpec[];
  /** Checks a credential record; throws InvalidInputError naming the bad field. Returns the record to build with. */
  parseCredentials(record: Readonly<Record<string, unknown>>): Record<string, unknown>;
  createAdapter(credentials: Readonly<Record<string, unknown>>, context: AdapterContext<Budgets>): PresenceAdapter;
  /** Start-log notes about the environment (never a secret), e.g. a key that cannot do what it seems to. */
  notes?(env: Readonly<Record<string, string | undefined>>, connects: boolean): string[];
}

/** Every environment variable a descriptor reads, with whether its value is secret. */
export function descriptorEnv(descriptor: PlatformDescriptor<unknown>): { name: string; secret: boolean }[] {
  return [
    ...descriptor.credentials.flatMap((field) => (field.env ? [{ name: field.env, secret: field.secret }] : [])),
    ...descriptor.endpoints.map((endpoint) => ({ name: endpoint.env, secret: false })),
  ];
}
