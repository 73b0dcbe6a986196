import type { PresenceErrorCode } from '@amo/presence-core';
import {
  GatewayCloseCodes,
  GatewayIntentBits,
  type GatewayReceivePayload,
  type GatewaySendPayload,
} from 'discord-api-types/v10';

/** The gateway's payloads come from `discord-api-types` (v10): a misread field is a compile error. */
export type { GatewayReceivePayload, GatewaySendPayload };

/** GUILDS | GUILD_MEMBERS | GUILD_PRESENCES: the presence tracker's intents (259). */
export const PRESENCE_INTENTS = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences;

/** What the service persists to resume one shard after its own restart (and what READY gives us). */
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
  [GatewayCloseCodes.UnknownError]: { action: 'resume', reason: 'unknown error' },
  [GatewayCloseCodes.UnknownOpcode]: { action: 'resume', reason: 'unknown opcode' },
  [GatewayCloseCodes.DecodeError]: { action: 'resume', reason: 'decode error' },
  [GatewayCloseCodes.NotAuthenticated]: { action: 'reidentify', reason: 'not authenticated' },
  [GatewayCloseCodes.AuthenticationFailed]: {
    action: 'fatal',
    reason: 'authentication failed: the bot token is invalid',
    error: 'AUTH_INVALID',
  },
  [GatewayCloseCodes.AlreadyAuthenticated]: { action: 'reidentify', reason: 'already authenticated' },
  [GatewayCloseCodes.InvalidSeq]: { action: 'reidentify', reason: 'invalid seq' },
  [GatewayCloseCodes.RateLimited]: { action: 'resume', reason: 'rate limited' },
  [GatewayCloseCodes.SessionTimedOut]: { action: 'reidentify', reason: 'session timed out' },
  [GatewayCloseCodes.InvalidShard]: { action: 'fatal', reason: 'invalid shard', error: 'PROTOCOL' },
  [GatewayCloseCodes.ShardingRequired]: {
    action: 'fatal',
    reason: 'sharding required: run the shards GET /gateway/bot recommends',
    error: 'PROTOCOL',
  },
  [GatewayCloseCodes.InvalidAPIVersion]: { action: 'fatal', reason: 'invalid API version', error: 'PROTOCOL' },
  [GatewayCloseCodes.InvalidIntents]: { action: 'fatal', reason: 'invalid intents', error: 'PROTOCOL' },
  [GatewayCloseCodes.DisallowedIntents]: {
    action: 'fatal',
    reason: 'disallowed intents: enable the Server Members and Presence intents in the Developer Portal',
    error: 'PERMISSION_DENIED',
  },
} as const satisfies Record<GatewayCloseCodes, CloseRule>;

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

/**
 * Parses one text frame: null when it is not JSON or has no numeric op (counted, never fatal). The shape past
 * `op` is what discord-api-types says Discord sends; fields are still checked where a wrong value would hurt.
 */
export function parseFrame(text: string): GatewayReceivePayload | null {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return null;
  }
  if (payload === null || typeof payload !== 'object' || typeof (payload as { op?: unknown }).op !== 'number') {
    return null;
  }
  return payload as GatewayReceivePayload;
}

/** Discord's shard routing: `(guild_id >> 22) % num_shards` (DDOCS "Sharding Formula"). */
export function shardOf(guildId: string, shardCount: number): number {
  try {
    return Number((BigInt(guildId) >> 22n) % BigInt(Math.max(1, shardCount)));
  } catch {
    return 0;
  }
}
