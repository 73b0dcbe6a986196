/** The dashboard's model and how each stream message changes it. Pure: the view renders what this holds. */

export interface Cell {
  status: string;
  rawStatus: string | null;
  activity: string | null;
  customMessage: string | null;
  lastUpdated: string | null;
  stale: boolean;
  /** Linked, nothing heard yet: the API lists the account with `lastUpdated: null`. */
  noData: boolean;
}

export interface TimelineEntry {
  platform: string;
  from: string | null;
  to: string;
  at: string;
}

export interface Person {
  userId: string;
  status: string;
  /** The aggregate before the last change, as the stream's `aggregate` message says (null until one arrives). */
  previousStatus: string | null;
  available: boolean;
  decidedBy: string | null;
  /** The aggregation policy that decided the aggregate (the person's own or the service default); null until known. */
  policy: string | null;
  /** By platform: the linked accounts' records (a linked account with nothing heard yet is a `noData` cell). */
  cells: Record<string, Cell>;
  timeline: TimelineEntry[];
}

/**
 * A platform as `/v1/platforms` describes it. Its look comes from `state` alone: the stream's `platform` messages
 * update state, breaker and last error, so a field they do not carry (`connected`) would go out of date.
 */
export interface PlatformHealth {
  platform: string;
  installed?: boolean;
  state: string;
  breaker: string | null;
  rateBudgets: { bucket: string; used: number; limit: number; windowMs?: number }[];
  lastError: { code: string; message: string } | null;
}

export interface DashboardState {
  sandbox: boolean;
  platforms: PlatformHealth[];
  people: Map<string, Person>;
}

export const TIMELINE_LENGTH = 6;

export type StreamMessage =
  | { type: 'presence'; userId: string; platform: string; presence: Partial<Cell> & { status: string } }
  | { type: 'aggregate'; userId: string; status: string; previousStatus?: string | null; available: boolean; decidedBy: string | null; policy?: string }
  | { type: 'platform'; platform: string; state: string; breaker: string | null; lastError: PlatformHealth['lastError'] }
  | { type: string; [key: string]: unknown };

/** Applies one stream message; returns what to redraw: a person's id, 'platforms', or null for nothing. */
export function applyMessage(state: DashboardState, message: StreamMessage): string | null {
  if (message.type === 'presence') {
    const { userId, platform, presence } = message as Extract<StreamMessage, { type: 'presence' }>;
    const person = state.people.get(userId);
    if (!person) return null;
    const before = person.cells[platform]?.status ?? null;
    person.cells[platform] = cellFrom(presence);
    if (before !== presence.status) {
      person.timeline = [{ platform, from: before, to: presence.status, at: presence.lastUpdated ?? new Date().toISOString() }, ...person.timeline].slice(0, TIMELINE_LENGTH);
    }
    return userId;
  }
  if (message.type === 'aggregate') {
    const { userId, status, previousStatus, available, decidedBy, policy } = message as Extract<StreamMessage, { type: 'aggregate' }>;
    const person = state.people.get(userId);
    if (!person) return null;
    Object.assign(person, { status, previousStatus: previousStatus ?? person.status, available, decidedBy, policy: policy ?? person.policy });
    return userId;
  }
  if (message.type === 'platform') {
    const change = message as Extract<StreamMessage, { type: 'platform' }>;
    const platform = state.platforms.find((entry) => entry.platform === change.platform);
    // A platform connected after the page loaded (a read-only key's /health lists only connected ones) joins.
    if (!platform) state.platforms.push({ platform: change.platform, state: change.state, breaker: change.breaker, rateBudgets: [], lastError: change.lastError });
    else Object.assign(platform, { state: change.state, breaker: change.breaker, lastError: change.lastError });
    return 'platforms';
  }
  return null;
}

export interface HealthBody {
  sandbox?: boolean;
  platforms?: Record<string, { state: string; breaker: string | null; lastError: PlatformHealth['lastError'] }>;
}

/**
 * Platform health from the public /health, for keys without the admin scope that /v1/platforms needs:
 * the same states and breakers, without rate-budget use.
 */
export function platformsFromHealth(body: HealthBody): PlatformHealth[] {
  return Object.entries(body.platforms ?? {}).map(([platform, view]) => ({
    platform,
    state: view.state,
    breaker: view.breaker,
    rateBudgets: [],
    lastError: view.lastError,
  }));
}

/** One platform's record as the API sends it (in a presence document or a `presence` message). */
export function cellFrom(presence: Partial<Cell> & { status: string }): Cell {
  return {
    status: presence.status,
    rawStatus: presence.rawStatus ?? null,
    activity: presence.activity ?? null,
    customMessage: presence.customMessage ?? null,
    lastUpdated: presence.lastUpdated ?? null,
    stale: presence.stale ?? false,
    noData: presence.lastUpdated === null && presence.status === 'unknown',
  };
}

/** A person as GET /v1/presence/{userId} (and the stream's snapshot) describes them. */
export function personFromApi(
  userId: string,
  presence: { status: string; available: boolean; decidedBy: string | null; policy?: string; platforms: Record<string, Partial<Cell> & { status: string }> } | null,
  timeline: TimelineEntry[],
): Person {
  const cells: Record<string, Cell> = {};
  for (const [platform, cell] of Object.entries(presence?.platforms ?? {})) cells[platform] = cellFrom(cell);
  return {
    userId,
    status: presence?.status ?? 'unknown',
    previousStatus: null,
    available: presence?.available ?? false,
    decidedBy: presence?.decidedBy ?? null,
    policy: presence?.policy ?? null,
    cells,
    timeline: timeline.slice(0, TIMELINE_LENGTH),
  };
}
