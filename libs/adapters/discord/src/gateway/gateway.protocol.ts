import type { PresenceErrorCode } from '@amo/presence-core';

/** Gateway opcodes this library speaks (DDOCS opcodes-and-status-codes.mdx). */
export const GatewayOp = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

/** GUILDS | GUILD_MEMBERS | GUILD_PRESENCES: the presence tracker's intents. */
export const Intents = { Guilds: 1, GuildMembers: 2, GuildPresences: 256 } as const;
export const PRESENCE_INTENTS = Intents.Guilds | Intents.GuildMembers | Intents.GuildPresences;

/** The payload envelope: `s` and `t` are null unless `op` is 0. */
export interface GatewayPayload<D = unknown> {
  op: number;
  d: D;
  s?: number | null;
  t?: string | null;
}

/** What the service persists to resume after its own restart (and what READY gives us). */
export interface DiscordSessionState {
  sessionId: string;
  /** Last sequence number received; the Resume `seq`. */
  sequence: number | null;
  resumeGatewayUrl: string;
  /** [shard_id, num_shards] the session was identified with; a session is only resumed on the same shard. */
  shard: [number, number];
}

export type CloseAction = 'resume' | 'reidentify' | 'fatal';

export interface CloseRule {
  action: CloseAction;
  reason: string;
  /** For `fatal`: the code the service is told. */
  error?: PresenceErrorCode;
}

/**
 * The close-code table (DDOCS "Gateway Close Event Codes"). 4007 and 4009 reconnect with a new session;
 * 4004 and 4010-4014 must not reconnect. Codes not listed (including a dropped TCP connection) resume.
 */
export const GATEWAY_CLOSE_RULES = {
  4000: { action: 'resume', reason: 'unknown error' },
  4001: { action: 'resume', reason: 'unknown opcode' },
  4002: { action: 'resume', reason: 'decode error' },
  4003: { action: 'reidentify', reason: 'not authenticated' },
  4004: { action: 'fatal', reason: 'authentication failed: the bot token is invalid', error: 'AUTH_INVALID' },
  4005: { action: 'reidentify', reason: 'already authenticated' },
  4007: { action: 'reidentify', reason: 'invalid seq' },
  4008: { action: 'resume', reason: 'rate limited' },
  4009: { action: 'reidentify', reason: 'session timed out' },
  4010: { action: 'fatal', reason: 'invalid shard', error: 'PROTOCOL' },
  4011: { action: 'fatal', reason: 'sharding required', error: 'PROTOCOL' },
  4012: { action: 'fatal', reason: 'invalid API version', error: 'PROTOCOL' },
  4013: { action: 'fatal', reason: 'invalid intents', error: 'PROTOCOL' },
  4014: {
    action: 'fatal',
    reason: 'disallowed intents: enable the Server Members and Presence intents in the Developer Portal',
    error: 'PERMISSION_DENIED',
  },
} as const satisfies Record<number, CloseRule>;

const RESUME_UNLISTED: CloseRule = { action: 'resume', reason: 'connection closed' };

export function closeRule(code: number): CloseRule {
  return (GATEWAY_CLOSE_RULES as Record<number, CloseRule>)[code] ?? RESUME_UNLISTED;
}

/**
 * The code we close with when we want to resume: anything but 1000/1001, which would invalidate the
 * session (DDOCS gateway.mdx "Initiating a Disconnect").
 */
export const RESUMABLE_CLOSE_CODE = 4900;

/** The gateway URL with the version and encoding this library speaks. */
export function gatewayUrl(base: string): string {
  const url = new URL(base);
  if (url.pathname === '') url.pathname = '/';
  url.searchParams.set('v', '10');
  url.searchParams.set('encoding', 'json');
  return url.toString();
}
