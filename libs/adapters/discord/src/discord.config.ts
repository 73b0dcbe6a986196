import type { AdapterHealth, PresenceAdapter, PushSink } from '@amo/presence-core';
import type { RateBudgetRegistry, TimerClock } from '@amo/presence-adapter-kit';
import type { DiscordCredentials } from './discord.credentials';
import type { DiscordSessionState } from './gateway/gateway.protocol';
import type { DiscordSessions } from './gateway/gateway.sessions';
import type { GatewayTransport } from './gateway/gateway.transport';
import type { IdentifyThrottle } from './gateway/identify-throttle';

/** Everything the Discord adapter needs; the app builds it from its own configuration, never from env. */
export interface DiscordAdapterConfig {
  /** Parsed {@link DiscordCredentials} or a seed-style record (`bot_token`/`token`, `guild_id`). */
  credentials: DiscordCredentials | Readonly<Record<string, unknown>>;
  /** REST base, default `https://discord.com/api` (the call is `{apiBaseUrl}/v10/gateway/bot`). */
  apiBaseUrl?: string;
  /**
   * Run only this shard, of how many (for spreading shards over instances). Without it the process runs every
   * shard GET /gateway/bot recommends.
   */
  shard?: { id: number; count: number };
  /** Default 259: GUILDS | GUILD_MEMBERS | GUILD_PRESENCES. */
  intents?: number;
  /** Identify's large_threshold, 50-250 (default 250). */
  largeThreshold?: number;
  /** Members to ask the gateway about (op 8); without it none are. Every member's record is delivered either way. */
  trackedIds?: readonly string[];
  /**
   * What `onSession` last handed out, to resume instead of identifying after the service restarts (a single
   * session saved by an earlier version is read as shard 0's).
   */
  session?: DiscordSessions | DiscordSessionState | null;
  /**
   * Receives every shard's session, keyed by shard id, whenever one changes: on READY/RESUMED, on sequence
   * changes (debounced), when one is invalidated, and on close. Null once no shard holds a session.
   */
  onSession?: (sessions: DiscordSessions | null) => void;
  sessionSaveDebounceMs?: number;
  /** How long a Resume may take (socket open to RESUMED) before the shard identifies afresh (default 15 s). */
  resumeTimeoutMs?: number;
  /** How long `connect()` waits for every shard's READY (default 30 s). */
  connectTimeoutMs?: number;
  /** How long `fetchPresence` waits for the initial state (GUILD_CREATE and member chunks), default 30 s. */
  syncTimeoutMs?: number;
  /** Gateway reconnect backoff (full jitter) after repeated failures; the first retry is immediate. */
  reconnect?: { baseMs?: number; maxMs?: number };
  /** REST client options for GET /gateway/bot. */
  timeoutMs?: number;
  maxRetries?: number;
  breaker?: { failureThreshold?: number; cooldownMs?: number };
  backoff?: { baseMs?: number; maxMs?: number };
}

/** Injectable edges: time, HTTP, the shared budget registry, the socket transport, the identify throttle. */
export interface DiscordAdapterDeps {
  clock?: TimerClock;
  fetch?: typeof fetch;
  budgets?: RateBudgetRegistry;
  random?: () => number;
  transport?: GatewayTransport;
  /** Share one between the shards of one bot in a process, so their identifies respect max_concurrency. */
  identifyThrottle?: IdentifyThrottle;
}

/** The Discord adapter: the core's port plus what only a gateway has. */
export interface DiscordAdapter extends PresenceAdapter {
  readonly platform: 'discord';
  /** Starts delivering: the sink first gets every tracked member's current record, then changes. */
  startPush(sink: PushSink): Promise<void>;
  /** Closes the gateway connections resumably, keeping the sessions: the next `startPush` resumes. */
  stopPush(): Promise<void>;
  setTrackedIds(accountIds: readonly string[]): void;
  health(): AdapterHealth;
  /** One shard's current session (default shard 0), or null before its READY. */
  session(shardId?: number): DiscordSessionState | null;
  /** Configured guilds the bot is not in (READY did not list them). */
  missingGuilds(): readonly string[];
  /** Gateway statistics: frames that were not JSON, zombies detected, resumes, identifies, op 8 use. */
  stats(): Record<string, number>;
}
