import type { WebSocket } from 'ws';
import {
  type ApplicationFlags,
  GatewayCloseCodes,
  GatewayDispatchEvents,
  type GatewayIdentifyData,
  GatewayIntentBits,
  GatewayOpcodes,
  type GatewayReadyDispatchData,
  type GatewayResumeData,
} from 'discord-api-types/v10';
import type { EmulatorContext } from './emulator-context';
import { answerMemberRequest } from './emulator-members';
import { EmulatedSession, type SessionSink } from './emulator-session';
import { shardOf } from './emulator-world';

export type { ClientFrame, EmulatorContext, EmulatorCounters } from './emulator-context';

const KNOWN_INTENTS = (1 << 26) - 1;

/** What a client sent: the published shape, every field still checked. */
type Sent<T> = { [K in keyof T]?: unknown } | null;

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
    if (query.get('v') !== '10') return this.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
    if (query.get('encoding') !== 'json') return this.close(GatewayCloseCodes.DecodeError, 'Decode error');
    this.sendOp(GatewayOpcodes.Hello, { heartbeat_interval: this.ctx.heartbeatIntervalMs });
  }

  deliver(frame: string): void {
    if (this.open && !this.deaf) this.socket.send(frame);
  }

  sendOp(op: GatewayOpcodes, d: unknown): void {
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
      return this.close(GatewayCloseCodes.RateLimited, 'Rate limited.');
    }
    this.stamps.push(now);
    if (Buffer.byteLength(text) > 4096) return this.close(GatewayCloseCodes.DecodeError, 'Decode error');
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(text) as { op?: unknown; d?: unknown };
    } catch {
      this.ctx.counters.invalidFrames += 1;
      return this.close(GatewayCloseCodes.DecodeError, 'Decode error');
    }
    if (payload === null || typeof payload !== 'object' || typeof payload.op !== 'number') {
      return this.close(GatewayCloseCodes.DecodeError, 'Decode error');
    }
    this.ctx.record({ connection: this.id, op: payload.op, d: payload.d, at: now });
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.ctx.counters.heartbeats += 1;
        if (this.acking) {
          this.ctx.counters.heartbeatAcks += 1;
          this.sendOp(GatewayOpcodes.HeartbeatAck, null);
        }
        return;
      case GatewayOpcodes.Identify:
        return this.identify(payload.d as Sent<GatewayIdentifyData>);
      case GatewayOpcodes.Resume:
        return this.resume(payload.d as Sent<GatewayResumeData>);
      case GatewayOpcodes.RequestGuildMembers: {
        if (!this.session) return this.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
        const refusal = answerMemberRequest(this.ctx, this.session, payload.d as Record<string, unknown> | null);
        return refusal ? this.close(refusal.code, refusal.reason) : undefined;
      }
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
        if (!this.session) this.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
        return;
      default:
        return this.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private detach(): void {
    this.open = false;
    if (this.session?.connection === this) this.session.connection = null;
  }

  private identify(d: Sent<GatewayIdentifyData>): void {
    if (this.session) return this.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
    if (d?.token !== this.ctx.token) return this.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
    const intents = d.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || (intents & ~KNOWN_INTENTS) !== 0) {
      return this.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
    }
    if (
      ((intents & GatewayIntentBits.GuildPresences) !== 0 && !this.ctx.allowed.presences) ||
      ((intents & GatewayIntentBits.GuildMembers) !== 0 && !this.ctx.allowed.members)
    ) {
      return this.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
    }
    const shard = (Array.isArray(d.shard) ? d.shard : [0, 1]) as [number, number];
    if (!(Number.isInteger(shard[0]) && Number.isInteger(shard[1]) && shard[0] >= 0 && shard[0] < shard[1])) {
      return this.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
    }
    const guilds = [...this.ctx.world.guilds.values()].filter((g) => shardOf(g.id, shard[1]) === shard[0]);
    if (guilds.length > this.ctx.maxGuildsPerShard) {
      return this.close(GatewayCloseCodes.ShardingRequired, 'Sharding required.');
    }
    if (!this.ctx.takeIdentify(shard[0])) {
      this.ctx.counters.invalidSessions += 1;
      return this.sendOp(GatewayOpcodes.InvalidSession, false);
    }
    const threshold = typeof d.large_threshold === 'number' ? d.large_threshold : 50;
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
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: { id: this.ctx.botUserId, username: 'presence-bot', discriminator: '0', global_name: null, avatar: null, bot: true },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.ctx.resumeUrlFor(session.id),
      shard,
      application: { id: this.ctx.botUserId, flags: 0 as ApplicationFlags, flags_new: '0' },
    };
    session.dispatch(GatewayDispatchEvents.Ready, ready);
    const withPresences = (intents & GatewayIntentBits.GuildPresences) !== 0;
    for (const guild of guilds) {
      session.dispatch(
        GatewayDispatchEvents.GuildCreate,
        this.ctx.world.guildCreate(guild, session.largeThreshold, withPresences, this.ctx.botUserId),
      );
    }
  }

  private resume(d: Sent<GatewayResumeData>): void {
    if (this.session) return this.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
    if (d?.token !== this.ctx.token) return this.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
    // A scripted stall: the Resume is read and never answered.
    if (this.ctx.swallowResume()) return;
    const session = this.ctx.sessions.get(String(d.session_id));
    const seq = d.seq as number | null;
    if (!session) {
      this.ctx.counters.invalidSessions += 1;
      return this.sendOp(GatewayOpcodes.InvalidSession, false);
    }
    if (!session.knows(seq)) return this.close(GatewayCloseCodes.InvalidSeq, 'Invalid seq.');
    const frames = session.replayAfter(seq);
    if (frames === null) {
      this.ctx.counters.invalidSessions += 1;
      this.ctx.sessions.delete(session.id);
      return this.sendOp(GatewayOpcodes.InvalidSession, false);
    }
    if (session.connection && session.connection !== this) {
      session.connection.close(GatewayCloseCodes.UnknownError, 'Resumed elsewhere');
    }
    this.attach(session);
    this.ctx.counters.resumes += 1;
    this.ctx.counters.replayed += frames.length;
    for (const frame of frames) this.deliver(frame);
    session.dispatch(GatewayDispatchEvents.Resumed, {});
  }

  private attach(session: EmulatedSession): void {
    this.session = session;
    session.connection = this;
  }
}
