import type { DiscordSessionState } from './gateway.protocol';

/**
 * What the service stores to resume after a restart: one session per shard, keyed by shard id. Opaque JSON to
 * the store; a session is resumed only by the shard (id and count) that identified it.
 */
export type DiscordSessions = Record<string, DiscordSessionState>;

/** Reads what was stored: the per-shard object, or a single session saved by an earlier version. */
export function loadSessions(saved: DiscordSessions | DiscordSessionState | null | undefined): Map<number, DiscordSessionState> {
  const sessions = new Map<number, DiscordSessionState>();
  if (saved === null || typeof saved !== 'object') return sessions;
  const entries = isSession(saved) ? [saved] : Object.values(saved);
  for (const session of entries) if (isSession(session)) sessions.set(session.shard[0], { ...session });
  return sessions;
}

/** The object handed to `onSession`: null once no shard holds a session. */
export function storedSessions(sessions: ReadonlyMap<number, DiscordSessionState>): DiscordSessions | null {
  if (sessions.size === 0) return null;
  return Object.fromEntries([...sessions].sort(([a], [b]) => a - b).map(([id, session]) => [String(id), { ...session }]));
}

function isSession(value: unknown): value is DiscordSessionState {
  const s = value as Partial<DiscordSessionState> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.sessionId === 'string' &&
    typeof s.resumeGatewayUrl === 'string' &&
    Array.isArray(s.shard) &&
    Number.isInteger(s.shard[0]) &&
    Number.isInteger(s.shard[1])
  );
}
