export { type RedisHealth, RedisLink, type RedisLinkOptions } from './redis-link';
