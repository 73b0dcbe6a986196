import type { ConnectionState, PresenceError } from '@amo/presence-core';
import {
  GatewayDispatchEvents,
  type GatewayDispatchPayload,
  type GatewayHelloData,
  GatewayOpcodes,
  type GatewaySendPayload,
} from 'discord-api-types/v10';
import type { IdentifyThrottle } from './identify-throttle';
import { parseDiscordCloseCode } from '../discord.errors';
import { closeRule, type DiscordSessionState, gatewayUrl, parseFrame, RESUMABLE_CLOSE_CODE } from './gateway.protocol';
import type { GatewayTransport, TransportConnection } from './gateway.transport';
import { SendLimiter } from './send-limiter';
import { fullJitterDelayMs, type Timers } from '@amo/presence-adapter-kit';
import { TimerSlots } from './timers';

/** What the machine tells its owner. */
export interface GatewayListener {
  dispatch(payload: GatewayDispatchPayload): void;
  connection(state: ConnectionState, error?: PresenceError): void;
  session(state: DiscordSessionState | null): void;
}

export interface GatewayMachineOptions {
  token: string;
  intents: number;
  shard: [number, number];
  largeThreshold: number;
  /** The `url` from GET /gateway/bot. */
  gatewayUrl: string;
  /** A saved session to resume instead of identifying. */
  session?: DiscordSessionState | null;
  transport: GatewayTransport;
  throttle: IdentifyThrottle;
  timers: Timers;
  random: () => number;
  listener: GatewayListener;
  reconnect?: { baseMs?: number; maxMs?: number };
  helloTimeoutMs?: number;
  readyTimeoutMs?: number;
  /** How long a Resume may take, from opening the socket to RESUMED, before a fresh Identify (default 15 s). */
  resumeTimeoutMs?: number;
  sessionSaveDebounceMs?: number;
  sendLimit?: { limit: number; windowMs: number };
}

/** Resume attempts that may end before RESUMED (the socket closed or dropped) before identifying afresh. */
export const MAX_RESUME_FAILURES = 3;

export type GatewayPhase = 'idle' | 'connecting' | 'handshaking' | 'ready' | 'waiting' | 'failed' | 'stopped';

/**
 * The gateway connection's state machine: Hello, heartbeat (jittered first beat, zombie detection), Identify
 * or Resume, the close-code table, reconnect backoff and session bookkeeping. It owns no socket: it asks
 * the transport for connections and ignores every event from a connection it has abandoned.
 */
export class GatewayMachine {
  phase: GatewayPhase = 'idle';
  /** Frames that were not JSON or had no numeric op: counted, never fatal. */
  invalidFrames = 0;
  readonly counters = { identifies: 0, resumes: 0, resumeFallbacks: 0, zombies: 0, reconnects: 0, heartbeats: 0, acks: 0 };
  private session: DiscordSessionState | null;
  /** The current connection: whether it was opened to resume, and whether the socket ever opened. */
  private attempt = { resuming: false, opened: false };
  private resumeFailures = 0;
  private connection: TransportConnection | null = null;
  private generation = 0;
  private interval = 0;
  private acked = true;
  private attempts = 0;
  private cancelIdentify: () => void = () => undefined;
  private readonly slots: TimerSlots;
  private readonly limiter: SendLimiter;
  private lastError: PresenceError | undefined;
  /** Why the last reconnect happened (for health and debugging). */
  lastReconnectReason: string | undefined;

  constructor(private readonly o: GatewayMachineOptions) {
    this.session = o.session && sameShard(o.session.shard, o.shard) ? { ...o.session } : null;
    this.slots = new TimerSlots(o.timers);
    this.limiter = new SendLimiter(
      o.timers,
      (text) => this.connection?.send(text),
      o.sendLimit?.limit,
      o.sendLimit?.windowMs,
    );
  }

  start(): void {
    if (this.phase !== 'idle') return;
    this.open();
  }

  /** Queues a payload (op 8) behind the send limit; dropped if the connection goes away first. */
  send(payload: GatewaySendPayload): void {
    if (this.phase === 'ready') this.limiter.send(JSON.stringify(payload), false);
  }

  currentSession(): DiscordSessionState | null {
    return this.session ? { ...this.session } : null;
  }

  sendsInWindow(): number {
    return this.limiter.used();
  }

  get error(): PresenceError | undefined {
    return this.lastError;
  }

  /** Stops for good. The close code keeps the session resumable, and the session is handed out first. */
  async stop(): Promise<void> {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    this.cancelIdentify();
    this.slots.clearAll();
    this.limiter.close();
    this.o.listener.session(this.currentSession());
    await this.abandon(RESUMABLE_CLOSE_CODE);
  }

  armedTimers(): string[] {
    return this.slots.armed();
  }

  private open(): void {
    const generation = ++this.generation;
    const url = gatewayUrl(this.session?.resumeGatewayUrl ?? this.o.gatewayUrl);
    this.phase = 'connecting';
    this.attempt = { resuming: this.session !== null, opened: false };
    this.limiter.reset();
    this.o.listener.connection('connecting');
    this.slots.set('hello', this.o.helloTimeoutMs ?? 30_000, () => this.reconnect('hello timeout'));
    if (this.attempt.resuming) {
      this.slots.set('resume', this.o.resumeTimeoutMs ?? 15_000, () => this.resumeFailed('no RESUMED in time', true));
    }
    this.connection = this.o.transport.connect(url, {
      open: () => {
        if (generation === this.generation) this.attempt.opened = true;
      },
      message: (text) => {
        if (generation === this.generation) this.onFrame(text);
      },
      close: (code) => {
        if (generation === this.generation) this.onClose(code);
      },
    });
  }

  private onFrame(text: string): void {
    const payload = parseFrame(text);
    if (payload === null) {
      this.invalidFrames += 1;
      return;
    }
    switch (payload.op) {
      case GatewayOpcodes.Dispatch:
        return this.onDispatch(payload);
      case GatewayOpcodes.HeartbeatAck:
        this.acked = true;
        this.counters.acks += 1;
        return;
      case GatewayOpcodes.Heartbeat:
        return this.beat();
      case GatewayOpcodes.Hello:
        return this.onHello(payload.d as Partial<GatewayHelloData> | null);
      case GatewayOpcodes.Reconnect:
        return this.reconnect('reconnect requested (op 7)', 0);
      case GatewayOpcodes.InvalidSession:
        if (payload.d !== true) this.dropSession();
        // The docs ask for a random 1-5 s wait before identifying again.
        return this.reconnect('invalid session (op 9)', payload.d === true ? 0 : 1_000 + this.o.random() * 4_000);
    }
  }

  private onHello(d: Partial<GatewayHelloData> | null): void {
    const interval = d?.heartbeat_interval;
    if (typeof interval !== 'number' || !(interval > 0)) {
      this.invalidFrames += 1;
      return;
    }
    this.slots.clear('hello');
    this.phase = 'handshaking';
    this.interval = interval;
    this.limiter.reserveForHeartbeats(interval);
    this.acked = true;
    this.slots.set('heartbeat', interval * this.o.random(), () => this.tick());
    this.slots.set('ready', this.o.readyTimeoutMs ?? 60_000, () => this.reconnect('no READY or RESUMED in time'));
    const generation = this.generation;
    if (this.session) {
      this.counters.resumes += 1;
      const { sessionId, sequence } = this.session;
      this.sendNow({ op: GatewayOpcodes.Resume, d: { token: this.o.token, session_id: sessionId, seq: sequence ?? 0 } });
      return;
    }
    this.cancelIdentify = this.o.throttle.acquire(this.o.shard[0], () => {
      if (generation !== this.generation) return;
      this.counters.identifies += 1;
      this.sendNow({
        op: GatewayOpcodes.Identify,
        d: {
          token: this.o.token,
          intents: this.o.intents,
          properties: { os: 'linux', browser: 'amo-presence', device: 'amo-presence' },
          shard: this.o.shard,
          large_threshold: this.o.largeThreshold,
        },
      });
    });
  }

  private onDispatch(payload: GatewayDispatchPayload): void {
    if (typeof payload.s === 'number' && this.session) {
      this.session.sequence = payload.s;
      if (!this.slots.has('save')) {
        this.slots.set('save', this.o.sessionSaveDebounceMs ?? 1_000, () =>
          this.o.listener.session(this.currentSession()),
        );
      }
    }
    if (payload.t === GatewayDispatchEvents.Ready) {
      const d = payload.d as Partial<typeof payload.d> | null;
      if (typeof d?.session_id !== 'string' || typeof d.resume_gateway_url !== 'string') {
        this.invalidFrames += 1;
        return this.reconnect('READY without a session', undefined, 'identify');
      }
      this.session = {
        sessionId: d.session_id,
        resumeGatewayUrl: d.resume_gateway_url,
        sequence: typeof payload.s === 'number' ? payload.s : null,
        shard: [...this.o.shard],
      };
      this.becomeReady();
    } else if (payload.t === GatewayDispatchEvents.Resumed) {
      this.becomeReady();
    }
    this.o.listener.dispatch(payload);
  }

  private becomeReady(): void {
    this.phase = 'ready';
    this.attempts = 0;
    this.resumeFailures = 0;
    this.lastError = undefined;
    this.slots.clear('ready');
    this.slots.clear('resume');
    this.o.listener.session(this.currentSession());
    this.o.listener.connection('up');
  }

  private tick(): void {
    if (!this.acked) {
      this.counters.zombies += 1;
      return this.reconnect('no heartbeat ACK: zombie connection', 0);
    }
    this.beat();
    this.slots.set('heartbeat', this.interval, () => this.tick());
  }

  private beat(): void {
    this.acked = false;
    this.counters.heartbeats += 1;
    this.sendNow({ op: GatewayOpcodes.Heartbeat, d: this.session?.sequence ?? null });
  }

  private sendNow(payload: GatewaySendPayload): void {
    this.limiter.send(JSON.stringify(payload), true);
  }

  private onClose(code: number): void {
    const error = parseDiscordCloseCode(code);
    if (error) return this.fail(error);
    const rule = closeRule(code);
    if (rule.action === 'resume' && this.attempt.resuming && this.phase !== 'ready') {
      // A resume URL that cannot even be reached (a previous run's gateway, a rotated host) will not come back.
      return this.resumeFailed(`closed ${code} before RESUMED`, !this.attempt.opened);
    }
    this.reconnect(`closed ${code}: ${rule.reason}`, undefined, rule.action === 'reidentify' ? 'identify' : 'resume', 'down');
  }

  /**
   * A Resume did not reach RESUMED. After {@link MAX_RESUME_FAILURES} in a row, or at once when `giveUp`, the
   * session is dropped and a fresh Identify goes to the URL from GET /gateway/bot.
   */
  private resumeFailed(reason: string, giveUp: boolean): void {
    this.resumeFailures += 1;
    if (!giveUp && this.resumeFailures < MAX_RESUME_FAILURES) return this.reconnect(reason, undefined, 'resume', 'down');
    this.counters.resumeFallbacks += 1;
    this.reconnect(`${reason}: identifying afresh`, 0, 'identify', 'down');
  }

  private fail(error: PresenceError): void {
    this.phase = 'failed';
    this.lastError = error;
    this.cancelIdentify();
    this.slots.clearAll();
    this.limiter.reset();
    this.connection = null;
    this.generation += 1;
    this.o.listener.connection('failed', error);
  }

  /**
   * Leaves the current connection (closing it resumably) and opens a new one after `delayMs`, or after the
   * full-jitter backoff when none is given. `identify` forgets the session first.
   */
  private reconnect(
    reason: string,
    delayMs?: number,
    mode: 'resume' | 'identify' = 'resume',
    state: ConnectionState = 'connecting',
  ): void {
    if (this.phase === 'stopped' || this.phase === 'failed') return;
    if (mode === 'identify') this.dropSession();
    this.lastReconnectReason = reason;
    this.counters.reconnects += 1;
    this.cancelIdentify();
    this.slots.clear('heartbeat');
    this.slots.clear('hello');
    this.slots.clear('ready');
    this.slots.clear('resume');
    void this.abandon(RESUMABLE_CLOSE_CODE);
    this.phase = 'waiting';
    this.o.listener.connection(state);
    const wait = delayMs ?? this.backoff();
    this.attempts += 1;
    if (wait <= 0) this.open();
    else this.slots.set('reconnect', wait, () => this.open());
  }

  private backoff(): number {
    if (this.attempts === 0) return 0;
    // The kit's full jitter, the one backoff formula: the first retry is immediate, then [0, 1 s), [0, 2 s)...
    return fullJitterDelayMs(this.attempts - 1, { baseMs: this.o.reconnect?.baseMs ?? 1_000, maxMs: this.o.reconnect?.maxMs ?? 60_000 }, this.o.random);
  }

  private dropSession(): void {
    this.resumeFailures = 0;
    if (this.session === null) return;
    this.session = null;
    this.slots.clear('save');
    this.o.listener.session(null);
  }

  private abandon(code: number): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    this.generation += 1;
    return connection ? connection.close(code) : Promise.resolve();
  }
}

function sameShard(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return Array.isArray(a) && a[0] === b[0] && a[1] === b[1];
}
