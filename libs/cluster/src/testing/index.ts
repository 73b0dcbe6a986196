// Test pieces for code built on this library: isolated key prefixes on a shared Redis, and a Redis of the test's own.
export { deleteKeys, disposeLink, keysUnder, openTestLink, openTestLinks, testPrefix } from './redis-keys';
export { ThrowawayRedis } from './throwaway-redis';
