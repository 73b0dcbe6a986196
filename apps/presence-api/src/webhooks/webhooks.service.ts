import { deliveryKey, handleOnce } from '@amo/presence-adapter-kit';
import type { RedisLink } from '@amo/presence-cluster';
import { type Platform, PresenceAggregator, type WebhookDelivery, type WebhookReply } from '@amo/presence-core';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { REDIS_LINK } from '../cluster/cluster.module';
import { RedisDeliveryLedger } from '../cluster/shared-state.webhooks';
import { ApiError } from '../errors/api-error';
import { MetricsService } from '../metrics/metrics.service';
import { PlatformWirings } from '../platforms/platform-wirings.service';

const NOT_CONNECTED = (platform: Platform): WebhookReply => ({ status: 404, body: { error: `${platform} is not connected` }, contentType: 'application/json' });

/**
 * Hands a delivery to the running adapter's `handleWebhook` (signature checks on the raw body live there, with
 * the connection's secrets). What a genuine delivery carried reaches the aggregator through the adapter's push
 * sink; this service only answers, counts and logs. In cluster mode each delivery is claimed on Redis first, so a
 * delivery the platform retried to another instance is applied once (the kit's `handleOnce`; a repeat is answered
 * as the first was and counted as `duplicate`).
 */
@Injectable()
export class WebhooksService {
  private readonly ledger?: RedisDeliveryLedger;

  constructor(
    private readonly wirings: PlatformWirings,
    private readonly aggregator: PresenceAggregator,
    private readonly metrics: MetricsService,
    @Optional() @Inject(REDIS_LINK) link?: RedisLink,
  ) {
    this.ledger = link && new RedisDeliveryLedger(link);
  }

  /** The methods this build's receiver for `platform` takes. */
  methods(platform: Platform): string[] {
    return (this.wirings.get(platform)?.webhooks ?? []).map((route) => route.method);
  }

  handle(platform: Platform, delivery: WebhookDelivery): WebhookReply | Promise<WebhookReply> {
    const route = (this.wirings.get(platform)?.webhooks ?? []).find((candidate) => candidate.method === delivery.method);
    if (!route) {
      this.metrics.webhooks.inc({ platform, outcome: 'unsupported' });
      throw ApiError.notFound(`no ${delivery.method} webhook receiver for ${platform} in this build`);
    }
    if (!this.ledger) return this.apply(platform, delivery);
    let applied = false;
    const key = deliveryKey(platform, delivery, route.bodyIdentifiesDelivery ?? true);
    return handleOnce(this.ledger, key, () => {
      applied = true;
      return this.apply(platform, delivery);
    }).then((reply) => {
      if (!applied) this.metrics.webhooks.inc({ platform, outcome: 'duplicate' });
      return reply;
    });
  }

  /** Hands the delivery to the adapter (which verifies it and pushes what it carried), counts and logs. */
  private apply(platform: Platform, delivery: WebhookDelivery): WebhookReply {
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
    return reply;
  }
}
