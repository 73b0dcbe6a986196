import { platformName } from './labels.js';

/** How each normalized status looks: never color alone, always an icon and a word too. */
export const STATUS_LOOK: Record<string, { icon: string; label: string }> = {
  online: { icon: '●', label: 'Online' },
  idle: { icon: '◐', label: 'Idle' },
  busy: { icon: '⊘', label: 'Busy' },
  away: { icon: '◌', label: 'Away' },
  offline: { icon: '○', label: 'Offline' },
  unknown: { icon: '?', label: 'Unknown' },
};

export function statusLook(status: string | null | undefined): { icon: string; label: string; key: string } {
  const key = status && status in STATUS_LOOK ? status : 'unknown';
  return { ...STATUS_LOOK[key], key };
}

/** The hover text of a cell: the platform's own value and what the person is doing (`at` writes the update time). */
export function cellTitle(
  cell: {
    rawStatus?: string | null;
    activity?: string | null;
    customMessage?: string | null;
    stale?: boolean;
    noData?: boolean;
    lastUpdated?: string | null;
  },
  at: (iso: string) => string = (iso) => iso,
): string {
  if (cell.noData) return 'no data: linked, nothing heard yet';
  const parts = [`native: ${cell.rawStatus ?? 'n/a'}`];
  if (cell.activity) parts.push(cell.activity);
  if (cell.customMessage) parts.push(`“${cell.customMessage}”`);
  if (cell.stale) parts.push('stale: not confirmed within its freshness window, does not vote');
  if (cell.lastUpdated) parts.push(`updated ${at(cell.lastUpdated)}`);
  return parts.join(' · ');
}

export interface HealthLook {
  label: string;
  tone: 'ok' | 'warn' | 'bad' | 'off';
  /** Why it is not fine: the last error's code and message, for a platform that is failed, down or degraded. */
  detail: string | null;
}

/**
 * How a platform is doing, from its `state` alone (what `/v1/platforms`, `/health` and the stream's `platform`
 * messages all carry, so a later message can never contradict the look): not configured (no credentials), failed
 * (connecting was refused: bad token, host not found; with the code and message), down (retrying), connecting,
 * breaker open, degraded, connected.
 */
export function healthLook(platform: {
  state: string;
  breaker: string | null;
  installed?: boolean;
  lastError: { code: string; message: string } | null;
}): HealthLook {
  const why = platform.lastError ? `${platform.lastError.code}: ${platform.lastError.message}` : null;
  switch (platform.state) {
    case 'disconnected':
      return { label: platform.installed === false ? 'not in this build' : 'not configured', tone: 'off', detail: null };
    case 'failed':
      return { label: 'failed', tone: 'bad', detail: why };
    case 'down':
      return { label: 'down, retrying', tone: 'bad', detail: why };
    case 'connecting':
      return { label: 'connecting', tone: 'warn', detail: null };
  }
  if (platform.breaker === 'open') return { label: 'breaker open', tone: 'bad', detail: why };
  if (platform.state === 'degraded' || platform.breaker === 'half-open') return { label: 'degraded', tone: 'warn', detail: why };
  return { label: 'connected', tone: 'ok', detail: null };
}

/**
 * The aggregate in words: `{ status: 'Online', via: 'via WhatsApp' }`; without a decider (no fresh record votes)
 * `via` says so.
 */
export function aggregateWords(person: { status: string; decidedBy: string | null; policy?: string | null }): { status: string; via: string } {
  const via = person.decidedBy ? `via ${platformName(person.decidedBy)}` : 'no fresh record';
  return { status: statusLook(person.status).label, via: person.policy ? `${via} · ${person.policy}` : via };
}
