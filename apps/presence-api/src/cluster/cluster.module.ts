import { RedisLink } from '@amo/presence-cluster';
import { type DynamicModule, Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown, Optional, type Provider } from '@nestjs/common';
import type { AppConfig, InstanceConfig } from '../config/app-config';

/** The process's one {@link RedisLink}; provided in cluster mode only (inject it `@Optional()` elsewhere). */
export const REDIS_LINK = Symbol('REDIS_LINK');

/** This instance's {@link InstanceConfig}: `{ id, role }`; provided in every mode (role `all` outside a cluster). */
export const INSTANCE = Symbol('INSTANCE');

/** Closes the link last (application shutdown runs after every module's destroy hook has used it). */
@Injectable()
class RedisLinkCloser implements OnApplicationShutdown {
  constructor(@Optional() @Inject(REDIS_LINK) private readonly link?: RedisLink) {}

  async onApplicationShutdown(): Promise<void> {
    await this.link?.close();
  }
}

/**
 * What cluster mode adds to the service's wiring. In the embedded default only {@link INSTANCE} is provided:
 * no Redis connection is opened and nothing else runs.
 */
@Global()
@Module({})
export class ClusterModule {
  static forRoot(config: AppConfig): DynamicModule {
    const providers: Provider[] = [{ provide: INSTANCE, useValue: config.instance satisfies InstanceConfig }];
    const cluster = config.cluster;
    if (cluster) {
      providers.push(
        {
          provide: REDIS_LINK,
          useFactory: async (): Promise<RedisLink> => {
            const link = new RedisLink({ url: cluster.redisUrl, keyPrefix: cluster.redisPrefix });
            // Redis down at start is an outage like any other: the service starts degraded and the link reconnects.
            await link.ready().catch((error: unknown) => {
              new Logger('Cluster').warn(`Redis is not reachable yet (${error instanceof Error ? error.message : String(error)}); starting degraded`);
            });
            return link;
          },
        },
        RedisLinkCloser,
      );
    }
    return { module: ClusterModule, providers, exports: providers.filter((provider) => provider !== RedisLinkCloser) };
  }
}

/** Cluster mode: DATABASE_URL is postgres:// and REDIS_URL is set (see the config loader). */
export function isClusterMode(config: AppConfig): config is AppConfig & { cluster: NonNullable<AppConfig['cluster']> } {
  return config.cluster !== undefined;
}
