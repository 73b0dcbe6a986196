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
import { PresenceTracker } from './discord.tracker';
import { GatewayMachine } from './gateway/gateway.machine';
import type { DiscordSessionState } from './gateway/gateway.protocol';
import { WsTransport } from './gateway/gateway.transport';
import { IdentifyThrottle } from './gateway/identify-throttle';

class DiscordPresenceAdapter implements DiscordAdapter {
  readonly platform = 'discord' as const;
  readonly capabilities: AdapterCapabilities;
  private readonly rest: DiscordRestClient;
  private readonly tracker: PresenceTracker;
  private readonly timers: Timers;
  private readonly throttle: IdentifyThrottle;
  private machine: GatewayMachine | null = null;
  private connecting: Promise<void> | null = null;
  private state: ConnectionState = 'down';
  private sink: PushSink | null = null;
  private readonly stateWaiters = new Set<(state: ConnectionState, error?: PresenceError) => void>();
  private savedSession: DiscordSessionState | null;
  private closed = false;

  constructor(
    private readonly credentials: DiscordCredentials,
    private readonly config: DiscordAdapterConfig,
    private readonly deps: DiscordAdapterDeps,
  ) {
    const { capabilities, rateBudgets } = discordManifest;
    this.capabilities = { ...capabilities, rateBudgets: [...rateBudgets], fields: [...capabilities.fields] };
    this.timers = timersOf(deps.clock);
    this.throttle = deps.identifyThrottle ?? new IdentifyThrottle(this.timers);
    this.savedSession = config.session ?? null;
    this.rest = new DiscordRestClient({
      ...httpClientTuning(config, deps),
      botToken: credentials.botToken,
      apiBaseUrl: config.apiBaseUrl ?? discordManifest.baseUrls.api.default,
    });
    this.tracker = new PresenceTracker({
      guildIds: new Set(credentials.guildIds),
      largeThreshold: this.largeThreshold,
      timers: this.timers,
      send: (payload) => this.machine?.send(payload),
    });
    if (config.trackedIds) this.tracker.setTracked(config.trackedIds);
  }

  /** GET /gateway/bot (proves the token), then the gateway until READY; throws AUTH_INVALID, PERMISSION_DENIED... */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new PresenceError('TRANSIENT', 'discord adapter is closed', { platform: 'discord' }));
    if (this.machine && this.machine.phase !== 'failed' && this.machine.phase !== 'stopped' && !this.connecting) {
      return Promise.resolve();
    }
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** Answers from the gateway's state, no network: the record of each known id, the rest in notFound. */
  async fetchPresence(accountIds: readonly string[]): Promise<FetchResult> {
    if (accountIds.length === 0) return { records: [], notFound: [] };
    await this.connect();
    await this.within(this.tracker.whenSynced(), this.config.syncTimeoutMs ?? 30_000);
    const records: PlatformPresence[] = [];
    const notFound: string[] = [];
    for (const id of new Set(accountIds)) {
      const record = this.tracker.resolve(id);
      if (record) records.push({ ...record });
      else notFound.push(id);
    }
    return { records, notFound };
  }

  async startPush(sink: PushSink): Promise<void> {
    this.sink = sink;
    // A running gateway has told nobody its state yet; a starting one will, through the listener.
    if (this.machine) sink.connection(this.state, this.machine.error);
    await this.connect();
    this.tracker.attach((record) => this.sink?.presence(record));
  }

  setTrackedIds(accountIds: readonly string[]): void {
    this.tracker.setTracked(accountIds);
  }

  health(): AdapterHealth {
    const rest = this.rest.http.health();
    const error = this.machine?.error;
    const gateway = discordManifest.rateBudgets[0];
    return {
      ...rest,
      budgets: [...rest.budgets, { ...gateway, used: this.machine?.sendsInWindow() ?? 0 }],
      connection: this.state,
      ...(error ? { lastError: { code: error.code, message: error.message, at: new Date(this.timers.now()) } } : {}),
    };
  }

  session(): DiscordSessionState | null {
    return this.machine?.currentSession() ?? this.savedSession;
  }

  missingGuilds(): readonly string[] {
    return this.tracker.missingGuilds;
  }

  stats(): Record<string, number> {
    const m = this.machine;
    return {
      invalidFrames: m?.invalidFrames ?? 0,
      ...(m?.counters ?? {}),
      ...Object.fromEntries(Object.entries(this.tracker.resolver.counters).map(([k, v]) => [`memberRequests.${k}`, v])),
      presencesNormalized: this.tracker.updates,
    };
  }

  /** Stops the gateway resumably and hands the session to `onSession` first. */
  async close(): Promise<void> {
    this.closed = true;
    this.tracker.close();
    this.sink = null;
    const machine = this.machine;
    this.machine = null;
    await machine?.stop();
    this.rest.close();
    this.settleWaiters('down');
  }

  private get largeThreshold(): number {
    return Math.min(250, Math.max(50, this.config.largeThreshold ?? discordManifest.gateway.largeThreshold));
  }

  private async open(): Promise<void> {
    const info = await this.rest.gatewayBot();
    if (this.closed) return;
    this.throttle.configure(info.session_start_limit);
    const shard = this.config.shard ?? { id: 0, count: 1 };
    const machine = new GatewayMachine({
      token: this.credentials.botToken,
      intents: this.config.intents ?? discordManifest.gateway.intents,
      shard: [shard.id, shard.count],
      largeThreshold: this.largeThreshold,
      gatewayUrl: info.url,
      session: this.savedSession,
      transport: this.deps.transport ?? new WsTransport(),
      throttle: this.throttle,
      timers: this.timers,
      random: this.deps.random ?? Math.random,
      reconnect: this.config.reconnect,
      sessionSaveDebounceMs: this.config.sessionSaveDebounceMs,
      listener: {
        dispatch: (type, data) => this.tracker.dispatch(type, data),
        session: (session) => {
          this.savedSession = session;
          this.config.onSession?.(session);
        },
        connection: (state, error) => {
          if (this.machine !== machine) return;
          this.state = state;
          this.sink?.connection(state, error);
          this.settleWaiters(state, error);
        },
      },
    });
    this.machine = machine;
    const up = this.waitForState(machine);
    machine.start();
    await this.within(up, this.config.connectTimeoutMs ?? 30_000).catch(async (error: unknown) => {
      if (this.machine === machine && machine.phase !== 'failed') {
        this.machine = null;
        await machine.stop();
      }
      throw error;
    });
  }

  private waitForState(machine: GatewayMachine): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter = (state: ConnectionState, error?: PresenceError): void => {
        if (state === 'up') resolve();
        else if (state === 'failed' || this.machine !== machine) reject(error ?? this.closedError());
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
