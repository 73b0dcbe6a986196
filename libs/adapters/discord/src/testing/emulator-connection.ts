import type { WebSocket } from 'ws';
import type { EmulatorContext } from './emulator-context';
import { answerMemberRequest } from './emulator-members';
import { EmulatedSession, type SessionSink } from './emulator-session';
import { shardOf } from './emulator-world';

export type { ClientFrame, EmulatorContext, EmulatorCounters } from './emulator-context';

const PRIVILEGED = { members: 2, presences: 256 } as const;
const KNOWN_INTENTS = (1 << 26) - 1;

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
      case 8: {
        if (!this.session) return this.close(4003, 'Not authenticated.');
        const refusal = answerMemberRequest(this.ctx, this.session, payload.d as Record<string, unknown> | null);
        return refusal ? this.close(refusal.code, refusal.reason) : undefined;
      }
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
}
