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

/** The hover text of a cell: the platform's own value and what the person is doing. */
export function cellTitle(cell: {
  rawStatus?: string | null;
  activity?: string | null;
  customMessage?: string | null;
  stale?: boolean;
  lastUpdated?: string | null;
}): string {
  const parts = [`native: ${cell.rawStatus ?? 'n/a'}`];
  if (cell.activity) parts.push(cell.activity);
  if (cell.customMessage) parts.push(`“${cell.customMessage}”`);
  if (cell.stale) parts.push('stale: not confirmed within its freshness window');
  if (cell.lastUpdated) parts.push(`updated ${cell.lastUpdated}`);
  return parts.join(' · ');
}

export interface HealthLook {
  label: string;
  tone: 'ok' | 'warn' | 'bad' | 'off';
}

/** One line per platform: connected, degraded, breaker open, or not configured. */
export function healthLook(platform: { connected: boolean; state: string; breaker: string | null }): HealthLook {
  if (!platform.connected) return { label: platform.state === 'failed' ? 'failed' : 'not connected', tone: platform.state === 'failed' ? 'bad' : 'off' };
  if (platform.breaker === 'open') return { label: 'breaker open', tone: 'bad' };
  if (platform.state === 'degraded' || platform.state === 'down' || platform.breaker === 'half-open') return { label: 'degraded', tone: 'warn' };
  if (platform.state === 'failed') return { label: 'failed', tone: 'bad' };
  return { label: platform.state === 'connecting' ? 'connecting' : 'connected', tone: 'ok' };
}
