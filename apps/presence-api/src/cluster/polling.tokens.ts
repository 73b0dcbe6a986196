/** The cluster's platform budgets in Redis, a `SharedBudgets` (cluster mode only). */
export const SHARED_BUDGETS = Symbol('SHARED_BUDGETS');

/**
 * The adapters' rate budget registry in cluster mode: every bucket is the cluster's window in Redis, so all
 * instances together stay within each platform's limit (PlatformWirings keeps an in-process one otherwise).
 */
export const RATE_BUDGETS = Symbol('RATE_BUDGETS');
