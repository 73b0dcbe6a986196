import { type DynamicModule, Module } from '@nestjs/common';
import type { PlatformRegistry } from '../platforms/platform-registry';
import { webhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Each registered platform's webhook routes, at `/v1/webhooks/<platform>`, through one controller. */
@Module({})
export class WebhooksModule {
  static forRoot(registry: PlatformRegistry): DynamicModule {
    return { module: WebhooksModule, controllers: [webhooksController(registry)], providers: [WebhooksService] };
  }
}
