import { ChangeBus, type PresenceWrite, RedisLink, RedisPresenceCache } from '@amo/presence-cluster';
import type { MemoryPresenceCache } from '@amo/presence-core';
import { Logger, type Provider } from '@nestjs/common';
import type { InstanceConfig } from '../config/app-config';
import { PRESENCE_CACHE } from '../presence/cache.provider';
import { INSTANCE, REDIS_LINK } from './cluster.module';

/** The cluster's change bus (cluster mode only). */
export const CHANGE_BUS = Symbol('CHANGE_BUS');

/** Core's write-through mirror on Redis (cluster mode only): the aggregator is built with it. */
export const PRESENCE_MIRROR = Symbol('PRESENCE_MIRROR');

/**
 * Where the mirror hands each flush: the fan-out (built after the aggregator, which needs the mirror first)
 * plugs itself in here.
 */
export class FlushRelay {
  target: ((writes: readonly PresenceWrite[]) => void) | undefined;
}

/** One warning per kind of failure a minute: an outage must not fill the log with a line per flush. */
function throttledWarn(logger: Logger): (error: Error) => void {
  const last = new Map<string, number>();
  return (error) => {
    const now = Date.now();
    if ((last.get(error.message) ?? 0) > now - 60_000) return;
    last.set(error.message, now);
    logger.warn(error.message);
  };
}

/**
 * Pub/sub keeps nothing for an absent subscriber, and this instance does not catch up by itself (see the README,
 * "Running at scale"): the operator is told what may be missing and how to get it back.
 */
export function resubscribedWarning(lostAt: number, now: number): string {
  return (
    `the change bus was unsubscribed for ${((now - lostAt) / 1000).toFixed(1)} s (since ${new Date(lostAt).toISOString()}): ` +
    'whatever other instances published meanwhile (readings, links, preferences, forgets: erasures and opt-outs) did not reach this instance. ' +
    'Restart it to load them (links and preferences from the database, presence from Redis)'
  );
}

export const clusterCacheProviders: Provider[] = [
  FlushRelay,
  {
    provide: CHANGE_BUS,
    inject: [REDIS_LINK, INSTANCE],
    useFactory: (link: RedisLink, instance: InstanceConfig) => {
      const logger = new Logger('ClusterBus');
      return new ChangeBus(link, {
        instanceId: instance.id,
        onError: throttledWarn(logger),
        onResubscribed: (lostAt) => logger.warn(resubscribedWarning(lostAt, Date.now())),
      });
    },
  },
  {
    provide: PRESENCE_MIRROR,
    inject: [REDIS_LINK, PRESENCE_CACHE, FlushRelay],
    useFactory: (link: RedisLink, local: MemoryPresenceCache, relay: FlushRelay) =>
      new RedisPresenceCache({ link, local, onFlush: (writes) => relay.target?.(writes), onError: throttledWarn(new Logger('ClusterCache')) }),
  },
];
