import { type Clock, type Platform, PresenceAggregator } from '@amo/presence-core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiError } from '../errors/api-error';
import { MetricsService } from '../metrics/metrics.service';
import { ConnectionRegistry } from '../platforms/connection-registry';
import type { WebhookInput, WebhookOutput } from '../platforms/platform-wiring';
import { PlatformWirings } from '../platforms/platform-wirings.service';
import { CLOCK } from '../presence/clock.provider';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/**
 * Hands a delivery to the platform's pure webhook handler (signature checks on the raw body live there)
 * with the secrets of the running connection, and feeds the records it carried to the aggregator.
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly wirings: PlatformWirings,
    private readonly connections: ConnectionRegistry,
    private readonly aggregator: PresenceAggregator,
    private readonly metrics: MetricsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(platform: Platform, input: WebhookInput): Promise<WebhookOutput> {
    const webhook = this.wirings.get(platform)?.webhook;
    if (!webhook || !webhook.methods.includes(input.method)) {
      this.metrics.webhooks.inc({ platform, outcome: 'unsupported' });
      throw ApiError.notFound(`no ${input.method} webhook receiver for ${platform} in this build`);
    }
    const credentials = this.connections.credentials(platform) ?? this.config.credentials[platform];
    let output: WebhookOutput;
    try {
      output = await webhook.handle(input, { credentials, adapter: this.aggregator.adapter(platform), clock: this.clock });
    } catch (error) {
      this.metrics.webhooks.inc({ platform, outcome: 'error' });
      throw error;
    }
    // While monitoring is stopped, a delivery is still verified and acknowledged (so the platform keeps the
    // endpoint enabled), but not applied: the adapter's push is stopped and core applies nothing.
    const outcome = output.status >= 300 ? 'rejected' : this.aggregator.isMonitoring(platform) ? 'accepted' : 'ignored';
    this.metrics.webhooks.inc({ platform, outcome });
    // Forged or unsigned deliveries are worth a warning; "not connected yet" (sandbox start-up) is not.
    if (output.status === 401 || output.status === 403) this.logger.warn(`${platform}: webhook rejected with ${output.status}`);
    else if (output.status >= 400) this.logger.debug(`${platform}: webhook answered ${output.status}`);
    return output;
  }

  /** After the answer is on its way: the platforms' deadlines (Graph: 3 s) are for the reply, not the work. */
  process(platform: Platform, output: WebhookOutput): void {
    if (output.records.length === 0 || !this.aggregator.isMonitoring(platform)) return;
    setImmediate(() => {
      try {
        this.aggregator.ingest(platform, output.records);
      } catch (error) {
        this.logger.error(`${platform}: ingesting a webhook failed: ${(error as Error).message}`);
      }
    });
  }
}
