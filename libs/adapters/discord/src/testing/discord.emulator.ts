import { randomBytes } from 'node:crypto';
import type { Clock } from '@amo/presence-core';
import { EmulatorServer } from '@amo/presence-adapter-kit/testing';
import {
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  type RESTGetAPIGatewayBotResult,
} from 'discord-api-types/v10';
import { EmulatorConnection } from './emulator-connection';
import { GatewayLimits } from './emulator-limits';
import { DiscordOAuthApp } from './emulator-oauth';
import { type ClientFrame, type EmulatorContext, type EmulatorCounters, emptyCounters } from './emulator-context';
import type { EmulatedSession } from './emulator-session';
import {
  type EmulatedActivity,
  type EmulatedClientStatus,
  type EmulatedStatus,
  EmulatorWorld,
  type MemberSeed,
  presenceJson,
  presenceOf,
  shardOf,
} from './emulator-world';

export interface DiscordEmulatorOptions {
  /** The bot token Identify, Resume and GET /gateway/bot must carry. */
  token?: string;
  botUserId?: string;
  /** Hello's heartbeat_interval (ms); Discord's is about 41 250. */
  heartbeatIntervalMs?: number;
  /** Privileged intents enabled "in the Developer Portal"; a disabled one asked for closes with 4014. */
  allowPresencesIntent?: boolean;
  allowMembersIntent?: boolean;
  /** GET /gateway/bot's `shards` (default: one per 1,000 guilds, as Discord recommends) and `session_start_limit`. */
  recommendedShards?: number;
  /** More guilds than this on one shard: Identify is closed with 4011 Sharding required (Discord's 2,500). */
  maxGuildsPerShard?: number;
  maxConcurrency?: number;
  sessionStartRemaining?: number;
  /** Per connection; Discord's is 120 per 60 s, excess closes with 4008. */
  sendLimit?: { limit: number; windowMs: number };
  /** Dispatches kept per session for Resume replay. */
  replayCapacity?: number;
  clock?: Clock;
  /** The application's OAuth2 client, for the bot authorization flow ({@link DiscordOAuthApp}). */
  clientId?: string;
  clientSecret?: string;
}

export type EmulatorEvent = { kind: 'frame'; frame: ClientFrame } | { kind: 'connection' | 'closed'; id: number };

/**
 * A Discord Gateway v10 on loopback: `GET /api/v10/gateway/bot`, then a WebSocket that speaks Hello, Identify
 * (token and intents checked: 4004, 4014), READY, GUILD_CREATE (respecting large_threshold), op 8 chunks with
 * the RATE_LIMITED dispatch, PRESENCE_UPDATE on scripted changes, heartbeat ACKs, op 7, op 9, Resume with
 * replay and the 120/60 s send limit. Point the adapter's `apiBaseUrl` at {@link apiBaseUrl}.
 */
export class DiscordGatewayEmulator {
  readonly world = new EmulatorWorld();
  readonly counters: EmulatorCounters = emptyCounters();
  /** Every frame the adapter sent, in order. */
  readonly frames: ClientFrame[] = [];
  readonly sessions = new Map<string, EmulatedSession>();
  /** Adding the bot to a server: `/oauth2/authorize?scope=bot` and the code grant at `/api/oauth2/token`. */
  readonly oauth: DiscordOAuthApp;
  private readonly connections = new Set<EmulatorConnection>();
  private readonly listeners = new Set<(event: EmulatorEvent) => void>();
  private readonly limits: GatewayLimits;
  private refuseConnections = 0;
  /** Live resume_gateway_url nodes; a connection to any other `/resume/...` path is refused. */
  private readonly resumeNodes = new Set<string>();
  private swallowResumes = 0;
  private nextConnectionId = 0;
  private readonly ctx: EmulatorContext;
  private currentToken: string;
  private frameLogLimit = Number.POSITIVE_INFINITY;

  private constructor(
    readonly server: EmulatorServer,
    private readonly options: DiscordEmulatorOptions,
  ) {
    this.currentToken = options.token ?? 'emulator-bot-token';
    this.limits = new GatewayLimits(options.maxConcurrency ?? 1, options.sessionStartRemaining ?? 1000);
    const now = (): number => (options.clock ?? { now: () => Date.now() }).now();
    this.ctx = {
      token: this.token,
      botUserId: options.botUserId ?? '100000000000000001',
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      allowed: { members: options.allowMembersIntent ?? true, presences: options.allowPresencesIntent ?? true },
      sendLimit: options.sendLimit ?? { limit: 120, windowMs: 60_000 },
      replayCapacity: options.replayCapacity ?? 100_000,
      resumeUrlFor: () => {
        const node = randomBytes(6).toString('hex');
        this.resumeNodes.add(node);
        return `${server.wsUrl}/resume/${node}`;
      },
      swallowResume: () => this.swallowResumes > 0 && (this.swallowResumes -= 1) >= 0,
      maxGuildsPerShard: options.maxGuildsPerShard ?? 2_500,
      world: this.world,
      sessions: this.sessions,
      counters: this.counters,
      now,
      record: (frame) => {
        this.frames.push(frame);
        if (this.frames.length > this.frameLogLimit) this.frames.splice(0, this.frames.length - this.frameLogLimit);
        this.emit({ kind: 'frame', frame });
      },
      takeIdentify: (shardId) => this.limits.takeIdentify(shardId, now()),
      memberRequestRetryAfter: (guildId, fullList) => this.limits.memberRetryAfter(guildId, fullList, now()),
      newSessionId: () => randomBytes(16).toString('hex'),
    };
    this.oauth = new DiscordOAuthApp(this.world, now, options);
  }

  static async start(options: DiscordEmulatorOptions = {}): Promise<DiscordGatewayEmulator> {
    const server = await EmulatorServer.start({ websocket: true, clock: options.clock });
    const emulator = new DiscordGatewayEmulator(server, options);
    emulator.install();
    return emulator;
  }

  /** The bot token Identify, Resume and GET /gateway/bot take now. */
  get token(): string {
    return this.currentToken;
  }

  /**
   * The bot token is reset in the Developer Portal: every session ends (open connections close with 4004
   * Authentication failed, nothing is resumable) and Identify, Resume and GET /gateway/bot take only the new
   * token, which is returned.
   */
  resetToken(newToken = `emulator-bot-token-${randomBytes(6).toString('hex')}`): string {
    this.currentToken = newToken;
    (this.ctx as { token: string }).token = newToken;
    this.sessions.clear();
    this.closeWith(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
    return newToken;
  }

  /** What the adapter's `apiBaseUrl` should be: `http://127.0.0.1:PORT/api`. */
  get apiBaseUrl(): string {
    return `${this.server.url}/api`;
  }

  get gatewayUrl(): string {
    return this.server.wsUrl;
  }

  /** Connections currently open. */
  get openConnections(): number {
    return this.connections.size;
  }

  // ---- world ----------------------------------------------------------------------------------------------

  addGuild(guildId: string, name?: string): this {
    this.world.addGuild(guildId, name);
    return this;
  }

  /** Adds members in bulk (initial state; no dispatch is sent). A plain id is an offline member. */
  addMembers(guildId: string, members: Iterable<MemberSeed>): this {
    this.world.addMembers(guildId, members);
    return this;
  }

  /** Changes a member's presence in one guild and dispatches PRESENCE_UPDATE to sessions that see it. */
  setPresence(
    guildId: string,
    userId: string,
    status: EmulatedStatus,
    activities?: EmulatedActivity[],
    clientStatus?: EmulatedClientStatus,
  ): void {
    const presence = presenceOf(status, activities, clientStatus);
    this.world.setPresence(guildId, userId, presence);
    for (const session of this.sessions.values()) {
      if ((session.intents & GatewayIntentBits.GuildPresences) === 0 || shardOf(guildId, session.shard[1]) !== session.shard[0]) {
        continue;
      }
      this.counters.presenceUpdates += 1;
      session.dispatch(GatewayDispatchEvents.PresenceUpdate, presenceJson(userId, presence, guildId));
    }
  }

  /** A user's change as Discord sends it: one PRESENCE_UPDATE per guild they share with the bot. */
  setUserPresence(
    userId: string,
    status: EmulatedStatus,
    activities?: EmulatedActivity[],
    clientStatus?: EmulatedClientStatus,
  ): void {
    for (const guildId of this.world.guildsOf(userId)) this.setPresence(guildId, userId, status, activities, clientStatus);
  }

  /**
   * Runs `changes` (many setPresence calls) with every connection's TCP socket corked, so the frames leave in a
   * few large writes instead of one syscall each: how a busy gateway node batches, and what a benchmark needs.
   */
  burst(changes: () => void): void {
    const corked = [...this.connections];
    for (const connection of corked) connection.cork();
    try {
      changes();
    } finally {
      for (const connection of corked) connection.uncork();
    }
  }

  // ---- protocol scripting ---------------------------------------------------------------------------------

  /** Open connections stop getting heartbeat ACKs; with `deaf`, dispatches stop reaching them too (buffered). */
  stopAcking(options: { deaf?: boolean } = {}): void {
    for (const connection of this.connections) {
      connection.acking = false;
      connection.deaf = options.deaf ?? false;
    }
  }

  /** Asks every open connection to reconnect and resume (op 7). */
  sendReconnect(): void {
    for (const connection of this.connections) connection.sendOp(GatewayOpcodes.Reconnect, null);
  }

  /** op 9 to every open connection; `resumable: false` also forgets their sessions. */
  invalidateSession(resumable: boolean): void {
    for (const connection of this.connections) {
      if (!resumable && connection.session) this.sessions.delete(connection.session.id);
      this.counters.invalidSessions += 1;
      connection.sendOp(GatewayOpcodes.InvalidSession, resumable);
    }
  }

  /** Closes every open connection with `code` (4004, 4009, 4014, ...). */
  closeWith(code: number, reason = ''): void {
    for (const connection of this.connections) connection.close(code, reason);
  }

  /** Destroys every TCP connection without a close frame (a network drop). */
  dropConnections(): void {
    for (const connection of this.connections) connection.terminate();
  }

  /** The next `n` WebSocket connections are accepted and at once destroyed (an unreachable gateway). */
  refuseNextConnections(n: number): void {
    this.refuseConnections = n;
  }

  /**
   * The resume_gateway_urls handed out so far go away (Discord rotates them; a new run of a gateway has new
   * ones): connections to them are destroyed at once. Sessions stay; READYs from now on name new URLs.
   */
  retireResumeUrls(): void {
    this.resumeNodes.clear();
  }

  /** The next `n` Resume payloads are read and never answered (no RESUMED, no op 9). */
  ignoreNextResumes(n: number): void {
    this.swallowResumes = n;
  }

  /** Flips the privileged intents "in the Developer Portal" (affects the next Identify). */
  setPrivilegedIntents(allowed: { presences?: boolean; members?: boolean }): void {
    const ctx = this.ctx as { allowed: { members: boolean; presences: boolean } };
    ctx.allowed = { members: allowed.members ?? ctx.allowed.members, presences: allowed.presences ?? ctx.allowed.presences };
  }

  /** Asks for an immediate heartbeat (op 1). */
  requestHeartbeat(): void {
    for (const connection of this.connections) connection.sendOp(GatewayOpcodes.Heartbeat, null);
  }

  /** Sends a raw text frame (invalid JSON, unknown ops) to every open connection. */
  sendRaw(text: string): void {
    for (const connection of this.connections) connection.sendRaw(text);
  }

  /** The next `n` op 8 requests get the RATE_LIMITED dispatch with `retryAfterSec`. */
  rateLimitMemberRequests(n: number, retryAfterSec: number): void {
    this.limits.scriptMemberLimit(n, retryAfterSec);
  }

  /** Bytes queued on open connections and not yet written: a sender blasting updates waits while this is high. */
  pendingBytes(): number {
    let total = 0;
    for (const connection of this.connections) total += connection.bufferedAmount;
    return total;
  }

  /** Frames the adapter sent with this op. */
  framesWithOp(op: number): ClientFrame[] {
    return this.frames.filter((f) => f.op === op);
  }

  /** Resolves once `predicate` holds, re-checked on every emulator event; rejects after `timeoutMs` (real time). */
  waitFor(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const listener = (): void => {
        if (!predicate()) return;
        this.listeners.delete(listener);
        resolve();
      };
      this.listeners.add(listener);
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error('emulator waitFor timed out'));
      }, timeoutMs);
      timer.unref?.();
    });
  }

  onEvent(listener: (event: EmulatorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Keeps only the newest `limit` entries of every log this emulator holds (sandbox mode runs for days). */
  limitLogs(limit: number): void {
    this.server.requestLogLimit = limit;
    this.frameLogLimit = limit;
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.terminate();
    this.connections.clear();
    this.listeners.clear();
    await this.server.close();
  }

  private install(): void {
    this.oauth.mount(this.server);
    this.server.route('GET', '/api/v10/gateway/bot', (req) => {
      this.counters.gatewayBotRequests += 1;
      if (req.headers.authorization !== `Bot ${this.token}`) {
        return { status: 401, json: { message: '401: Unauthorized', code: 0 } };
      }
      const json: RESTGetAPIGatewayBotResult = {
        url: this.server.wsUrl,
        shards: this.options.recommendedShards ?? Math.max(1, Math.ceil(this.world.guilds.size / 1_000)),
        session_start_limit: {
          total: 1000,
          remaining: this.limits.identifiesRemaining,
          reset_after: 86_400_000,
          max_concurrency: this.options.maxConcurrency ?? 1,
        },
      };
      return { status: 200, json };
    });
    this.server.onOverBudget((_req, info) => ({
      status: 429,
      headers: { 'retry-after': String(info.retryAfterSec) },
      json: { message: 'You are being rate limited.', retry_after: info.retryAfterSec, global: false },
    }));
    this.server.onWebSocket((socket, req) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (this.refuseConnections > 0) {
        this.refuseConnections -= 1;
        this.counters.connections += 1;
        socket.terminate();
        return;
      }
      if (url.pathname.startsWith('/resume/') && !this.resumeNodes.has(url.pathname.slice('/resume/'.length))) {
        this.counters.connections += 1;
        this.counters.resumeUrlRefused += 1;
        socket.terminate();
        return;
      }
      const connection = new EmulatorConnection((this.nextConnectionId += 1), socket, this.ctx, req.socket);
      this.connections.add(connection);
      this.counters.connections += 1;
      if (url.pathname.startsWith('/resume')) this.counters.resumeUrlConnections += 1;
      socket.on('message', (data, isBinary) => {
        if (isBinary) connection.close(GatewayCloseCodes.DecodeError, 'Decode error');
        else connection.onMessage(data.toString());
      });
      socket.on('close', (code) => {
        connection.closed(code);
        this.connections.delete(connection);
        this.emit({ kind: 'closed', id: connection.id });
      });
      connection.start(url.searchParams);
      this.emit({ kind: 'connection', id: connection.id });
    });
  }

  private emit(event: EmulatorEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
