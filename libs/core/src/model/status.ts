/** The normalized vocabulary every platform maps onto. */
export const PRESENCE_STATUSES = ['online', 'idle', 'busy', 'away', 'offline', 'unknown'] as const;

export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

/** The seed's aggregation priority: the highest fresh status wins by default. */
export const STATUS_PRIORITY = {
  online: 5,
  idle: 4,
  busy: 3,
  away: 2,
  offline: 1,
  unknown: 0,
} as const satisfies Record<PresenceStatus, number>;

export function isPresenceStatus(value: unknown): value is PresenceStatus {
  return typeof value === 'string' && value in STATUS_PRIORITY;
}

/** Available for a meeting means online or idle; busy is "in a meeting", not free. */
export function isAvailableStatus(status: PresenceStatus): boolean {
  return status === 'online' || status === 'idle';
}
