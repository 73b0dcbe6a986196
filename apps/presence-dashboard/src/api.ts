import type { HealthBody } from './state.js';

/** Calls to presence-api with the key the user entered; every call but /health carries it. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(key: string, path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new ApiError(response.status, body?.error?.message ?? `${response.status} ${response.statusText}`);
  }
  return (await response.json()) as T;
}

export async function health(): Promise<HealthBody> {
  const response = await fetch('/health');
  return (await response.json().catch(() => ({}))) as HealthBody;
}

/** Follows nextCursor until every page is read (bounded, so a runaway server cannot hang the page). */
export async function allPages<T>(key: string, path: string, field: string, maxPages = 50): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const url: string = cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path;
    const body: Record<string, unknown> = await api<Record<string, unknown>>(key, url);
    items.push(...((body[field] as T[]) ?? []));
    cursor = (body.nextCursor as string | null) ?? null;
    if (!cursor) break;
  }
  return items;
}

export function streamUrl(key: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/v1/stream?token=${encodeURIComponent(key)}`;
}
