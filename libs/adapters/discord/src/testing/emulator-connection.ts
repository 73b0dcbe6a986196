import type { WebSocket } from 'ws';
import { EmulatedSession, type SessionSink } from './emulator-session';
import { type EmulatorWorld, member, presenceJson, shardOf } from './emulator-world';

const PRIVILEGED = { members: 2, presences: 256 } as const;
const KNOWN_INTENTS = (1 << 26) - 1;

export interface EmulatorCounters {
  gatewayBotRequests: number;
  connections: number;
  resumeUrlConnections: number;
  identifies: number;
  resumes: number;
  heartbeats: number;
  heartbeatAcks: number;
  memberRequests: number;
  memberRequestsRateLimited: number;
  presenceUpdates: number;
  replayed: number;
  invalidSessions: number;
  invalidFrames: number;
  sendLimitDisconnects: number;
  /** Close codes this emulator closed connections with. */
  serverCloses: Record<number, number>;
  /** Close codes the adapter closed its connections with (1006: the TCP connection just went away). */
  clientCloses: number[];
}

/** A frame the adapter sent, as recorded. */
export interface ClientFrame {
  connection: number;
  op: number;
  d: unknown;
  at: number;
}

/** What a connection needs from the emulator that owns it. */
export interface EmulatorContext {
  readonly token: string;
  readonly botUserId: string;
  readonly heartbeatIntervalMs: number;
  allowed: { members: boolean; presences: boolean };
  readonly sendLimit: { limit: number; windowMs: number };
  readonly replayCapacity: number;
  readonly resumeUrl: string;
  readonly world: EmulatorWorld;
  readonly sessions: Map<string, EmulatedSession>;
  readonly counters: EmulatorCounters;
  now(): number;
  record(frame: ClientFrame): void;
  /** False when the identify would exceed max_concurrency or session_start_limit (answered with op 9). */
  takeIdentify(shardId: number): boolean;
  /** Seconds to wait when this op 8 is refused (scripted, or the 1-per-30 s full-list limit); 0 admits it. */
  memberRequestRetryAfter(guildId: string, fullList: boolean): number;
  newSessionId(): string;
}

/** One adapter connection: Hello, Identify/Resume checks, heartbeats, op 8, the send limit, close codes. */
export class EmulatorConnection implements SessionSink {
  session: EmulatedSession | null = null;
  open = true;
  /** Set by `stopAcking`: this connection gets no ACKs (and, if `deaf`, no dispatches): a zombie. */
  acking = true;
  deaf = false;
  private stamps: number[] = [];

  constructor(
    readonly id: number,
    private readonly socket: WebSocket,
    private readonly ctx: EmulatorContext,
    /** The upgraded TCP socket under `socket`: corked during bursts so many frames leave in one write. */
    private readonly tcp?: { cork(): void; uncork(): void },
  ) {}

  cork(): void {
    this.tcp?.cork();
  }

  uncork(): void {
    this.tcp?.uncork();
  }

  start(query: URLSearchParams): void {
    if (query.get('v') !== '10') return this.close(4012, 'Invalid API version');
    if (query.get('encoding') !== 'json') return this.close(4002, 'Decode error');
    this.sendOp(10, { heartbeat_interval: this.ctx.heartbeatIntervalMs });
  }

  deliver(frame: string): void {
    if (this.open && !this.deaf) this.socket.send(frame);
  }

  sendOp(op: number, d: unknown): void {
    if (this.open) this.socket.send(JSON.stringify({ op, d, s: null, t: null }));
  }

  /** Bytes queued on the socket and not yet written (for flow control when blasting updates). */
  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  sendRaw(text: string): void {
    if (this.open) this.socket.send(text);
  }

  close(code: number, reason = ''): void {
    if (!this.open) return;
    this.ctx.counters.serverCloses[code] = (this.ctx.counters.serverCloses[code] ?? 0) + 1;
    this.detach();
    this.socket.close(code, reason);
  }

  /** The socket is gone; a client close with 1000/1001 ends its session (Discord shows the bot offline). */
  closed(code: number): void {
    if (this.open) this.ctx.counters.clientCloses.push(code);
    const session = this.session;
    this.detach();
    if (session && (code === 1000 || code === 1001)) this.ctx.sessions.delete(session.id);
  }

  terminate(): void {
    this.detach();
    this.socket.terminate();
  }

  onMessage(text: string): void {
    if (!this.open) return;
    const now = this.ctx.now();
    this.stamps = this.stamps.filter((at) => at > now - this.ctx.sendLimit.windowMs);
    if (this.stamps.length >= this.ctx.sendLimit.limit) {
      this.ctx.counters.sendLimitDisconnects += 1;
      return this.close(4008, 'Rate limited.');
    }
    this.stamps.push(now);
    if (Buffer.byteLength(text) > 4096) return this.close(4002, 'Decode error');
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(text) as { op?: unknown; d?: unknown };
    } catch {
      this.ctx.counters.invalidFrames += 1;
      return this.close(4002, 'Decode error');
    }
    if (payload === null || typeof payload !== 'object' || typeof payload.op !== 'number') {
      return this.close(4002, 'Decode error');
    }
    this.ctx.record({ connection: this.id, op: payload.op, d: payload.d, at: now });
    switch (payload.op) {
      case 1:
        this.ctx.counters.heartbeats += 1;
        if (this.acking) {
          this.ctx.counters.heartbeatAcks += 1;
          this.sendOp(11, null);
        }
        return;
      case 2:
        return this.identify(payload.d as Record<string, unknown> | null);
      case 6:
        return this.resume(payload.d as Record<string, unknown> | null);
      case 8:
        return this.requestMembers(payload.d as Record<string, unknown> | null);
      case 3:
      case 4:
        if (!this.session) this.close(4003, 'Not authenticated.');
        return;
      default:
        return this.close(4001, 'Unknown opcode.');
    }
  }

  private detach(): void {
    this.open = false;
    if (this.session?.connection === this) this.session.connection = null;
  }

  private identify(d: Record<string, unknown> | null): void {
    if (this.session) return this.close(4005, 'Already authenticated.');
    if (d?.['token'] !== this.ctx.token) return this.close(4004, 'Authentication failed.');
    const intents = d['intents'];
    if (typeof intents !== 'number' || !Number.isInteger(intents) || (intents & ~KNOWN_INTENTS) !== 0) {
      return this.close(4013, 'Invalid intent(s).');
    }
    if (
      ((intents & PRIVILEGED.presences) !== 0 && !this.ctx.allowed.presences) ||
      ((intents & PRIVILEGED.members) !== 0 && !this.ctx.allowed.members)
    ) {
      return this.close(4014, 'Disallowed intent(s).');
    }
    const shard = (Array.isArray(d['shard']) ? d['shard'] : [0, 1]) as [number, number];
    if (!(Number.isInteger(shard[0]) && Number.isInteger(shard[1]) && shard[0] >= 0 && shard[0] < shard[1])) {
      return this.close(4010, 'Invalid shard.');
    }
    if (!this.ctx.takeIdentify(shard[0])) {
      this.ctx.counters.invalidSessions += 1;
      return this.sendOp(9, false);
    }
    const threshold = typeof d['large_threshold'] === 'number' ? d['large_threshold'] : 50;
    const session = new EmulatedSession(
      this.ctx.newSessionId(),
      this.ctx.token,
      intents,
      [shard[0], shard[1]],
      Math.min(250, Math.max(50, threshold)),
      this.ctx.replayCapacity,
    );
    this.ctx.sessions.set(session.id, session);
    this.attach(session);
    this.ctx.counters.identifies += 1;
    const guilds = [...this.ctx.world.guilds.values()].filter((g) => shardOf(g.id, shard[1]) === shard[0]);
    session.dispatch('READY', {
      v: 10,
      user: { id: this.ctx.botUserId, username: 'presence-bot', bot: true },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.ctx.resumeUrl,
      shard,
      application: { id: this.ctx.botUserId, flags: 0 },
    });
    const withPresences = (intents & PRIVILEGED.presences) !== 0;
    for (const guild of guilds) {
      session.dispatch(
        'GUILD_CREATE',
        this.ctx.world.guildCreate(guild, session.largeThreshold, withPresences, this.ctx.botUserId),
      );
    }
  }

  private resume(d: Record<string, unknown> | null): void {
    if (this.session) return this.close(4005, 'Already authenticated.');
    if (d?.['token'] !== this.ctx.token) return this.close(4004, 'Authentication failed.');
    const session = this.ctx.sessions.get(String(d['session_id']));
    const seq = d['seq'] as number | null;
    if (!session) {
      this.ctx.counters.invalidSessions += 1;
      return this.sendOp(9, false);
    }
    if (!session.knows(seq)) return this.close(4007, 'Invalid seq.');
    const frames = session.replayAfter(seq);
    if (frames === null) {
      this.ctx.counters.invalidSessions += 1;
      this.ctx.sessions.delete(session.id);
      return this.sendOp(9, false);
    }
    if (session.connection && session.connection !== this) session.connection.close(4000, 'Resumed elsewhere');
    this.attach(session);
    this.ctx.counters.resumes += 1;
    this.ctx.counters.replayed += frames.length;
    for (const frame of frames) this.deliver(frame);
    session.dispatch('RESUMED', {});
  }

  private attach(session: EmulatedSession): void {
    this.session = session;
    session.connection = this;
  }

  private requestMembers(d: Record<string, unknown> | null): void {
    const session = this.session;
    if (!session) return this.close(4003, 'Not authenticated.');
    const guildId = String(d?.['guild_id']);
    const guild = this.ctx.world.guilds.get(guildId);
    const userIds = d?.['user_ids'];
    const wantsPresences = d?.['presences'] === true;
    if (Array.isArray(userIds) && userIds.length > 100) return this.close(4002, 'Decode error');
    if (wantsPresences && (session.intents & PRIVILEGED.presences) === 0) return this.close(4013, 'Invalid intent(s).');
    if (!guild || shardOf(guildId, session.shard[1]) !== session.shard[0]) return;
    this.ctx.counters.memberRequests += 1;
    const nonce = typeof d?.['nonce'] === 'string' ? d['nonce'] : undefined;
    const query = typeof d?.['query'] === 'string' ? d['query'] : undefined;
    const retryAfter = this.ctx.memberRequestRetryAfter(guildId, !Array.isArray(userIds) && query === '');
    if (retryAfter > 0) {
      this.ctx.counters.memberRequestsRateLimited += 1;
      session.dispatch('RATE_LIMITED', { opcode: 8, retry_after: retryAfter, meta: { guild_id: guildId, nonce } });
      return;
    }
    let found: string[];
    let notFound: string[] = [];
    if (Array.isArray(userIds)) {
      const ids = userIds.map(String);
      found = ids.filter((id) => guild.members.has(id));
      notFound = ids.filter((id) => !guild.members.has(id));
    } else {
      const limit = typeof d?.['limit'] === 'number' && d['limit'] > 0 ? d['limit'] : Number.POSITIVE_INFINITY;
      found = [...guild.members.keys()].filter((id) => `user${id}`.startsWith(query ?? '')).slice(0, limit);
    }
    const chunkCount = Math.max(1, Math.ceil(found.length / 1000));
    for (let index = 0; index < chunkCount; index += 1) {
      const ids = found.slice(index * 1000, (index + 1) * 1000);
      const chunk: Record<string, unknown> = {
        guild_id: guildId,
        members: ids.map(member),
        chunk_index: index,
        chunk_count: chunkCount,
      };
      if (index === 0 && notFound.length > 0) chunk['not_found'] = notFound;
      if (wantsPresences) {
        chunk['presences'] = ids
          .filter((id) => guild.members.get(id)?.status !== 'offline')
          .map((id) => presenceJson(id, guild.members.get(id) as never));
      }
      if (nonce !== undefined) chunk['nonce'] = nonce;
      session.dispatch('GUILD_MEMBERS_CHUNK', chunk);
    }
  }
}
