import type { EmulatedSession } from './emulator-session';
import type { EmulatorWorld } from './emulator-world';

export interface EmulatorCounters {
  gatewayBotRequests: number;
  connections: number;
  resumeUrlConnections: number;
  /** Connections to a resume_gateway_url that was retired: destroyed at once. */
  resumeUrlRefused: number;
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
  /** A resume_gateway_url for a new session: each READY names its own, and a retired one refuses connections. */
  resumeUrlFor(sessionId: string): string;
  /** True when this Resume should go unanswered (scripted). */
  swallowResume(): boolean;
  /** More guilds than this on one shard closes the Identify with 4011 (Sharding required). */
  readonly maxGuildsPerShard: number;
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

export function emptyCounters(): EmulatorCounters {
  return {
    gatewayBotRequests: 0,
    connections: 0,
    resumeUrlConnections: 0,
    resumeUrlRefused: 0,
    identifies: 0,
    resumes: 0,
    heartbeats: 0,
    heartbeatAcks: 0,
    memberRequests: 0,
    memberRequestsRateLimited: 0,
    presenceUpdates: 0,
    replayed: 0,
    invalidSessions: 0,
    invalidFrames: 0,
    sendLimitDisconnects: 0,
    serverCloses: {},
    clientCloses: [],
  };
}
