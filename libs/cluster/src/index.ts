export { type RedisHealth, RedisLink, type RedisLinkOptions } from './redis-link';
export { Lease, LeaseKeeper, type LeaseEvent, type LeaseKeeperOptions, type LeaseOptions, type LeaseTimers } from './lease';
export { type BodyParser, type BusHandler, ChangeBus, type ChangeBusOptions, type ChangeBusStats } from './change-bus';
export * from './change-bus.messages';
export { RedisPresenceCache, type PresenceWrite, type RedisPresenceCacheOptions, type RedisPresenceCacheStats, type StoredPerson } from './redis-presence-cache';
export { fromWire, isPlatform, isStatus, toWire, type WireAggregate, type WireRecord } from './redis-presence-cache.codec';
export { type RateState, SharedRateLimiter, type SharedRateLimiterOptions } from './shared-rate-limiter';
export { OneTimeStore } from './one-time-store';
export { DEFAULT_INSTANCE_TTL_MS, InstanceRegistry, type InstanceRegistryOptions, type InstanceReport, type LiveInstance } from './instance-registry';
