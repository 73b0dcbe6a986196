import type { Clock } from '@amo/presence-core';
import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { ApiKeyAuthenticator } from './auth/api-key.authenticator';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeysService } from './auth/api-keys.service';
import { clusterCacheProviders } from './cluster/cluster-cache.providers';
import { Timekeeper } from './cluster/timekeeper';
import { ClusterFanout } from './cluster/cluster-fanout.service';
import { ClusterPreferencesCache } from './cluster/cluster-preferences';
import { ClusterSandbox } from './cluster/cluster-sandbox';
import { ClusterHealth } from './cluster/cluster-health';
import { ClusterModule } from './cluster/cluster.module';
import { clusterPollingProviders } from './cluster/polling.service';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { ApiExceptionFilter } from './errors/api-exception.filter';
import { ChangeOrigin } from './events/change-origin';
import { PresenceEvents } from './events/presence-events';
import { HealthController } from './health/health.controller';
import { AdminController } from './http/admin.controller';
import { ChannelsController } from './http/channels.controller';
import { IdentitiesBatchController } from './http/identities-batch.controller';
import { MeetingsController } from './http/meetings.controller';
import { MeetingsService } from './http/meetings.service';
import { PlatformsController } from './http/platforms.controller';
import { PresenceController } from './http/presence.controller';
import { RootController } from './http/root.controller';
import { UsersController } from './http/users.controller';
import { MetricsService } from './metrics/metrics.service';
import { ServiceLifecycle } from './monitoring/service-lifecycle.service';
import { OAuthController } from './oauth/oauth.controller';
import { OAuthService } from './oauth/oauth.service';
import { OutboundModule } from './outbound/outbound.module';
import { PeopleService } from './people/people.service';
import { PresencePersistence } from './persistence/presence-persistence.service';
import { ConnectionRegistry } from './platforms/connection-registry';
import { PlatformConnector } from './platforms/platform-connector.service';
import { PLATFORM_REGISTRY, type PlatformRegistry } from './platforms/platform-registry';
import { PlatformStatusService } from './platforms/platform-status.service';
import { PLATFORM_WIRING_LIST, PlatformWirings } from './platforms/platform-wirings.service';
import { RuntimeEndpoints } from './platforms/runtime-endpoints';
import { aggregatorProvider } from './presence/aggregator.provider';
import { AggregatorBridge } from './presence/aggregator-bridge';
import { cacheProvider } from './presence/cache.provider';
import { CLOCK, clockProvider } from './presence/clock.provider';
import { NestScheduler } from './presence/nest-scheduler';
import { PreferencesCache } from './presence/preferences-cache';
import { SANDBOX_STARTER, type SandboxStarter } from './sandbox/sandbox-environment';
import { sandboxProvider } from './sandbox/sandbox.provider';
import { storeProvider } from './store/store.providers';
import { PresenceStreamGateway } from './stream/presence-stream.gateway';
import { WebhooksModule } from './webhooks/webhooks.module';

/** Test and embedding hooks: which platforms are registered, and what starts the sandbox. */
export interface AppModuleOptions {
  /** The platform registry (default {@link PLATFORM_REGISTRY}): descriptors the whole service derives from. */
  wirings?: PlatformRegistry;
  sandbox?: SandboxStarter;
  /** The service's clock (default the system clock): tests shift it to age records across a restart. */
  clock?: Clock;
}

/** Configuration, store, aggregator, events, platforms: the shared core every other module wires against. */
@Global()
@Module({})
class CoreModule {
  static forRoot(config: AppConfig, options: AppModuleOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_CONFIG, useValue: config },
      options.clock ? { provide: CLOCK, useValue: options.clock } : clockProvider,
      storeProvider,
      MetricsService,
      PresenceEvents,
      ChangeOrigin,
      NestScheduler,
      config.cluster ? { provide: PreferencesCache, useClass: ClusterPreferencesCache } : PreferencesCache,
      RuntimeEndpoints,
      { provide: PLATFORM_WIRING_LIST, useValue: options.wirings ?? PLATFORM_REGISTRY },
      PlatformWirings,
      Timekeeper,
      cacheProvider,
      aggregatorProvider,
      AggregatorBridge,
      ConnectionRegistry,
      PlatformConnector,
      PlatformStatusService,
      options.sandbox ? { provide: SANDBOX_STARTER, useValue: options.sandbox } : sandboxProvider,
      // Cluster mode: the Redis mirror and the change fan-out (nothing of it in the embedded default).
      ...(config.cluster ? [...clusterCacheProviders, ...clusterPollingProviders, ClusterFanout, ClusterSandbox] : []),
    ];
    return { module: CoreModule, providers, exports: providers };
  }
}

/** Persistence of change events, and the start/stop sequence. */
@Module({ providers: [PresencePersistence, ServiceLifecycle], exports: [ServiceLifecycle] })
class MonitoringModule {}

/** API keys and the global guard: every route is either @Public or needs a scope. */
@Module({
  providers: [ApiKeyAuthenticator, ApiKeysService, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [ApiKeyAuthenticator, ApiKeysService],
})
class AuthModule {}

/** Thin controllers over the services; one exception filter for all of them. */
@Module({
  imports: [AuthModule],
  controllers: [
    RootController,
    PresenceController,
    UsersController,
    IdentitiesBatchController,
    PlatformsController,
    AdminController,
    HealthController,
    OAuthController,
    ChannelsController,
    MeetingsController,
  ],
  providers: [PeopleService, OAuthService, MeetingsService, ClusterHealth, { provide: APP_FILTER, useClass: ApiExceptionFilter }],
})
class HttpApiModule {}

@Module({ providers: [PresenceStreamGateway] })
class StreamModule {}

/** The service: wiring only. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ScheduleModule.forRoot(),
        EventEmitterModule.forRoot({ wildcard: false, ignoreErrors: true }),
        ClusterModule.forRoot(config),
        CoreModule.forRoot(config, options),
        MonitoringModule,
        HttpApiModule,
        WebhooksModule.forRoot(options.wirings ?? PLATFORM_REGISTRY),
        StreamModule,
        OutboundModule,
      ],
    };
  }
}
