import { isSlackDndActive, normalizeSlack, type PlatformPresence, type SlackDndWindow } from '@amo/presence-core';

/** The custom-status fields of a Slack profile (users.profile.get, user_change, user_status_changed). */
export interface SlackStatusFields {
  status_text?: string;
  status_emoji?: string;
  /** Unix seconds; 0 means the status does not expire. */
  status_expiration?: number;
}

/**
 * What the adapter last learned about one Slack user, each part with the time it was learned (epoch ms), so an
 * event that arrives late never overwrites a newer reading. Events carry status and DND but never presence,
 * which is why a pushed record needs this memory to be complete.
 */
export interface SlackUserState {
  presence?: string;
  presenceAt?: number;
  dnd?: SlackDndWindow;
  dndAt?: number;
  status?: SlackStatusFields;
  statusAt?: number;
}

/** A partial update: what one read or one event taught us. */
export interface SlackUserUpdate {
  accountId: string;
  at: number;
  presence?: string;
  dnd?: SlackDndWindow;
  status?: SlackStatusFields;
}

/** Merges an update into a state, part by part; a part older than the one held is ignored. Pure. */
export function mergeSlackState(state: SlackUserState | undefined, update: SlackUserUpdate): SlackUserState {
  const next: SlackUserState = { ...state };
  if (update.presence !== undefined && !(update.at < (next.presenceAt ?? -Infinity))) {
    next.presence = update.presence;
    next.presenceAt = update.at;
  }
  if (update.dnd !== undefined && !(update.at < (next.dndAt ?? -Infinity))) {
    next.dnd = update.dnd;
    next.dndAt = update.at;
  }
  if (update.status !== undefined && !(update.at < (next.statusAt ?? -Infinity))) {
    next.status = update.status;
    next.statusAt = update.at;
  }
  return next;
}

/** The custom status as shown to people, or undefined when none is set or it has expired. */
export function slackCustomMessage(status: SlackStatusFields | undefined, nowMs: number): string | undefined {
  if (!status) return undefined;
  if (isStatusExpired(status, nowMs)) return undefined;
  const message = [status.status_emoji, status.status_text]
    .map((part) => (typeof part === 'string' ? part.trim() : ''))
    .filter((part) => part !== '')
    .join(' ');
  return message === '' ? undefined : message;
}

function isStatusExpired(status: SlackStatusFields, nowMs: number): boolean {
  const expiration = status.status_expiration ?? 0;
  return expiration > 0 && expiration * 1000 <= nowMs;
}

/**
 * When this reading stops being true by itself: a DND window in force ends, a scheduled one starts, or the custom
 * status expires. The aggregator stops trusting the record then, until the sweep reads the person again.
 */
export function slackExpiresAt(state: SlackUserState, nowMs: number): Date | undefined {
  const moments: number[] = [];
  const dnd = state.dnd;
  if (dnd?.dnd_enabled) {
    const start = (dnd.next_dnd_start_ts ?? 0) * 1000;
    const end = (dnd.next_dnd_end_ts ?? 0) * 1000;
    if (isSlackDndActive(dnd, nowMs)) moments.push(end);
    else if (start > nowMs && end > start) moments.push(start);
  }
  const status = state.status;
  if (status && slackCustomMessage(status, nowMs) !== undefined && (status.status_expiration ?? 0) > 0) {
    moments.push((status.status_expiration as number) * 1000);
  }
  return moments.length === 0 ? undefined : new Date(Math.min(...moments));
}

/**
 * The complete record for one user as of `nowMs`, or undefined while their presence is not known yet
 * (an event about status or DND alone cannot say whether the person is active or away).
 */
export function buildSlackRecord(accountId: string, state: SlackUserState, nowMs: number, observedAt: number): PlatformPresence | undefined {
  if (state.presence === undefined) return undefined;
  const normalized = normalizeSlack(state.presence, isSlackDndActive(state.dnd, nowMs));
  const record: PlatformPresence = {
    platform: 'slack',
    accountId,
    status: normalized.status,
    rawStatus: state.presence,
    observedAt: new Date(observedAt),
  };
  if (normalized.activity !== undefined) record.activity = normalized.activity;
  const customMessage = slackCustomMessage(state.status, nowMs);
  if (customMessage !== undefined) record.customMessage = customMessage;
  const expiresAt = slackExpiresAt(state, nowMs);
  if (expiresAt !== undefined) record.expiresAt = expiresAt;
  if (!normalized.recognized) record.unrecognized = true;
  return record;
}

/**
 * Of `ids` (in sweep order), those whose `part` (DND or status) is older than their presence reading, the oldest
 * part first: what the DND and status phases of a sweep step should refresh. People with no presence yet are left
 * out (a record needs presence first). Pure.
 */
export function partsBehindPresence(ids: readonly string[], states: ReadonlyMap<string, SlackUserState>, part: 'dnd' | 'status'): string[] {
  const behind: { id: string; index: number; at: number; presenceAt: number }[] = [];
  ids.forEach((id, index) => {
    const state = states.get(id);
    if (state?.presenceAt === undefined) return;
    const at = (part === 'dnd' ? state.dndAt : state.statusAt) ?? -Infinity;
    if (at < state.presenceAt) behind.push({ id, index, at, presenceAt: state.presenceAt });
  });
  // Among equally old parts, whoever's presence was read first has waited longest.
  return behind.sort((a, b) => a.at - b.at || a.presenceAt - b.presenceAt || a.index - b.index).map((entry) => entry.id);
}
