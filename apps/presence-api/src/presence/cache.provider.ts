import { MemoryPresenceCache } from '@amo/presence-core';
import type { Provider } from '@nestjs/common';

/**
 * The aggregator's cache, as its own provider so shutdown can write every entry with its real
 * confirmation time (the snapshot), not only the records that changed.
 */
export const PRESENCE_CACHE = Symbol('PRESENCE_CACHE');

export const cacheProvider: Provider<MemoryPresenceCache> = { provide: PRESENCE_CACHE, useFactory: () => new MemoryPresenceCache() };
