import { randomBytes } from 'node:crypto';
import { RedisLink, type RedisLinkOptions } from '../redis-link';

/** A prefix no other test (or run) uses: `test:<pid>:<random>:<name>:`. */
export function testPrefix(name: string): string {
  return `test:${process.pid}:${randomBytes(4).toString('hex')}:${name}:`;
}

/** Every key under `prefix` (the link's own by default), without the prefix, sorted. SCAN, never KEYS. */
export async function keysUnder(link: RedisLink, prefix = link.prefix): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await link.commands.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    found.push(...keys.map((key) => key.slice(prefix.length)));
    cursor = next;
  } while (cursor !== '0');
  return found.sort();
}

/** Deletes every key under `prefix` (the link's own by default). */
export async function deleteKeys(link: RedisLink, prefix = link.prefix): Promise<void> {
  const keys = await keysUnder(link, prefix);
  for (let i = 0; i < keys.length; i += 500) await link.commands.del(...keys.slice(i, i + 500).map((key) => prefix + key));
}

/** Deletes every key under the link's prefix, then closes the link. */
export async function disposeLink(link: RedisLink): Promise<void> {
  await deleteKeys(link);
  await link.close();
}

/**
 * A ready link to `url` (a test passes `PRESENCE_TEST_REDIS_URL`, the machine's Redis that `.ci/run` starts) under a
 * fresh prefix, so tests never see each other's keys. Give it back with `disposeLink`.
 */
export async function openTestLink(url: string, name: string, options: Partial<RedisLinkOptions> = {}): Promise<RedisLink> {
  const link = new RedisLink({ url, keyPrefix: testPrefix(name), ...options });
  await link.ready();
  return link;
}

/** `count` ready links to one Redis under one fresh prefix: the instances of one test cluster. */
export async function openTestLinks(url: string, name: string, count: number): Promise<RedisLink[]> {
  const keyPrefix = testPrefix(name);
  const links = Array.from({ length: count }, () => new RedisLink({ url, keyPrefix }));
  await Promise.all(links.map((link) => link.ready()));
  return links;
}
