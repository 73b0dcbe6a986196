import { type Platform, PresenceAggregator, type WebhookDelivery, type WebhookReply } from '@amo/presence-core';
import { Injectable, Logger } from '@nestjs/common';
import { ApiError } from '../errors/api-error';
import { MetricsService } from '../metrics/metrics.service';
import { PlatformWirings } from '../platforms/platform-wirings.service';

const NOT_CONNECTED = (platform: Platform): WebhookReply => ({ status: 404, body: { error: `${platform} is not connected` }, contentType: 'application/json' });

/**
 * Hands a delivery to the running adapter's `handleWebhook` (signature checks on the raw body live there, with
 * the connection's secrets). What a genuine delivery carried reaches the aggregator through the adapter's push
 * sink; this service only answers, counts and logs.
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly wirings: PlatformWirings,
    private readonly aggregator: PresenceAggregator,
    private readonly metrics: MetricsService,
  ) {}

  /** The methods this build's receiver for `platform` takes. */
  methods(platform: Platform): string[] {
    return (this.wirings.get(platform)?.webhooks ?? []).map((route) => route.method);
  }

  handle(platform: Platform, delivery: WebhookDelivery): WebhookReply {
    const routes = this.wirings.get(platform)?.webhooks ?? [];
    if (!routes.some((route) => route.method === delivery.method)) {
      this.metrics.webhooks.inc({ platform, outcome: 'unsupported' });
      throw ApiError.notFound(`no ${delivery.method} webhook receiver for ${platform} in this build`);
    }
    const adapter = this.aggregator.adapter(platform);
    let reply: WebhookReply;
    try {
      reply = adapter?.handleWebhook ? adapter.handleWebhook(delivery) : NOT_CONNECTED(platform);
    } catch (error) {
      this.metrics.webhooks.inc({ platform, outcome: 'error' });
      throw error;
    }
    // While monitoring is stopped, a delivery is still verified and acknowledged (so the platform keeps the
    // endpoint enabled), but not applied: the adapter's push is stopped and core applies nothing.
    const outcome = reply.status >= 300 ? 'rejected' : this.aggregator.isMonitoring(platform) ? 'accepted' : 'ignored';
    this.metrics.webhooks.inc({ platform, outcome });
    // Forged or unsigned deliveries are worth a warning; "not connected yet" (sandbox start-up) is not.
    if (reply.status === 401 || reply.status === 403) this.logger.warn(`${platform}: webhook rejected with ${reply.status}`);
    else if (reply.status >= 400) this.logger.debug(`${platform}: webhook answered ${reply.status}`);
    return reply;
  }
}
