import {
  type AdapterCapabilities,
  type AdapterHealth,
  type ConnectionState,
  type FetchResult,
  type PlatformPresence,
  PresenceError,
  type PushSink,
} from '@amo/presence-core';
import { httpClientTuning, type Timers, timersOf } from '@amo/presence-adapter-kit';
import { DiscordRestClient } from './discord.client';
import type { DiscordAdapter, DiscordAdapterConfig, DiscordAdapterDeps } from './discord.config';
import { type DiscordCredentials, parseDiscordCredentials } from './discord.credentials';
import { discordManifest } from './discord.manifest';
import { DiscordShards } from './discord.shards';
import type { DiscordSessionState } from './gateway/gateway.protocol';
import { loadSessions } from './gateway/gateway.sessions';
import { WsTransport } from './gateway/gateway.transport';
import { IdentifyThrottle } from './gateway/identify-throttle';

class DiscordPresenceAdapter implements DiscordAdapter {
  readonly platform = 'discord' as const;
  readonly capabilities: AdapterCapabilities;
  private readonly rest: DiscordRestClient;
  private readonly shards: DiscordShards;
  private readonly timers: Timers;
  private readonly throttle: IdentifyThrottle;
  private connecting: Promise<void> | null = null;
  private sink: PushSink | null = null;
  private readonly stateWaiters = new Set<(state: ConnectionState, error?: PresenceError) => void>();
  private closed = false;

  constructor(
    credentials: DiscordCredentials,
    private readonly config: DiscordAdapterConfig,
    private readonly deps: DiscordAdapterDeps,
  ) {
    const { capabilities, rateBudgets } = discordManifest;
    this.capabilities = { ...capabilities, rateBudgets: [...rateBudgets], fields: [...capabilities.fields] };
    this.timers = timersOf(deps.clock);
    this.throttle = deps.identifyThrottle ?? new IdentifyThrottle(this.timers);
    this.rest = new DiscordRestClient({
      ...httpClientTuning(config, deps),
      botToken: credentials.botToken,
      apiBaseUrl: config.apiBaseUrl ?? discordManifest.baseUrls.api.default,
    });
    this.shards = new DiscordShards({
      guildIds: new Set(credentials.guildIds),
      timers: this.timers,
      sessions: loadSessions(config.session),
      machine: {
        token: credentials.botToken,
        intents: config.intents ?? discordManifest.gateway.intents,
        largeThreshold: Math.min(250, Math.max(50, config.largeThreshold ?? discordManifest.gateway.largeThreshold)),
        transport: deps.transport ?? new WsTransport(),
        throttle: this.throttle,
        timers: this.timers,
        random: deps.random ?? Math.random,
        reconnect: config.reconnect,
        resumeTimeoutMs: config.resumeTimeoutMs,
        sessionSaveDebounceMs: config.sessionSaveDebounceMs,
      },
      onSessions: (sessions) => config.onSession?.(sessions),
      onState: (state, error) => {
        this.sink?.connection(state, error);
        this.settleWaiters(state, error);
      },
    });
    if (config.trackedIds) this.shards.setTracked(config.trackedIds);
  }

  /** GET /gateway/bot (proves the token), then every shard until READY; throws AUTH_INVALID, PERMISSION_DENIED... */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new PresenceError('TRANSIENT', 'discord adapter is closed', { platform: 'discord' }));
    if (this.shards.running && !this.connecting) return Promise.resolve();
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** Answers from the gateway's state, no network: the record of each known id, the rest in notFound. */
  async fetchPresence(accountIds: readonly string[]): Promise<FetchResult> {
    if (accountIds.length === 0) return { records: [], notFound: [] };
    await this.connect();
    await this.within(this.shards.whenSynced(), this.config.syncTimeoutMs ?? 30_000);
    const records: PlatformPresence[] = [];
    const notFound: string[] = [];
    for (const id of new Set(accountIds)) {
      const record = this.shards.resolve(id);
      if (record) records.push({ ...record });
      else notFound.push(id);
    }
    return { records, notFound };
  }

  async startPush(sink: PushSink): Promise<void> {
    this.sink = sink;
    // A running gateway has told nobody its state yet; a starting one will, through the listener.
    if (this.shards.running) sink.connection(this.shards.state, this.shards.error);
    await this.connect();
    if (this.sink === sink) this.shards.attach((record) => this.sink?.presence(record));
  }

  /** Closes every gateway connection resumably and keeps the sessions: the next `startPush` resumes them. */
  async stopPush(): Promise<void> {
    this.sink = null;
    this.shards.detach();
    await this.shards.stop();
    this.settleWaiters('down');
  }

  setTrackedIds(accountIds: readonly string[]): void {
    this.shards.setTracked(accountIds);
  }

  health(): AdapterHealth {
    const rest = this.rest.http.health();
    const error = this.shards.error;
    const gateway = discordManifest.rateBudgets[0];
    return {
      ...rest,
      budgets: [...rest.budgets, { ...gateway, used: this.shards.sendsInWindow() }],
      connection: this.shards.state,
      ...(error ? { lastError: { code: error.code, message: error.message, at: new Date(this.timers.now()) } } : {}),
    };
  }

  session(shardId = 0): DiscordSessionState | null {
    return this.shards.session(shardId);
  }

  missingGuilds(): readonly string[] {
    return this.shards.missingGuilds();
  }

  stats(): Record<string, number> {
    return this.shards.stats();
  }

  /** Stops the gateway resumably and hands the sessions to `onSession` first. */
  async close(): Promise<void> {
    this.closed = true;
    this.sink = null;
    this.shards.close();
    await this.shards.stop();
    this.rest.close();
    this.settleWaiters('down');
  }

  private async open(): Promise<void> {
    const info = await this.rest.gatewayBot();
    if (this.closed) return;
    this.throttle.configure(info.session_start_limit);
    // An explicit shard runs alone (shards spread over instances); otherwise this process runs all of them.
    const total = this.config.shard?.count ?? Math.max(1, info.shards);
    const ids = this.config.shard ? [this.config.shard.id] : Array.from({ length: total }, (_, id) => id);
    await this.shards.stop();
    const up = this.waitForUp();
    this.shards.start(ids, total, info.url);
    await this.within(up, this.config.connectTimeoutMs ?? 30_000).catch(async (error: unknown) => {
      if (this.shards.state !== 'failed') await this.shards.stop();
      throw error;
    });
  }

  private waitForUp(): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter = (state: ConnectionState, error?: PresenceError): void => {
        if (state === 'up') resolve();
        else if (state === 'failed' || !this.shards.running) reject(error ?? this.closedError());
        else return;
        this.stateWaiters.delete(waiter);
      };
      this.stateWaiters.add(waiter);
    });
  }

  private settleWaiters(state: ConnectionState, error?: PresenceError): void {
    for (const waiter of [...this.stateWaiters]) waiter(state, error);
  }

  private within<T>(promise: Promise<T>, ms: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const handle = this.timers.setTimeout(
        () => reject(new PresenceError('TRANSIENT', `discord gateway not ready within ${ms} ms`, { platform: 'discord' })),
        ms,
      );
      promise.then(
        (value) => {
          this.timers.clearTimeout(handle);
          resolve(value);
        },
        (error: unknown) => {
          this.timers.clearTimeout(handle);
          reject(error);
        },
      );
    });
  }

  private closedError(): PresenceError {
    return new PresenceError('TRANSIENT', 'discord adapter was closed', { platform: 'discord' });
  }
}

/**
 * Builds the Discord adapter: a bot on the Gateway v10 (intents 259) that keeps one presence record per member
 * of the configured guilds. Push only; `fetchPresence` answers from what the gateway said.
 */
export function createDiscordAdapter(config: DiscordAdapterConfig, deps: DiscordAdapterDeps = {}): DiscordAdapter {
  return new DiscordPresenceAdapter(parseDiscordCredentials(config.credentials), config, deps);
}
