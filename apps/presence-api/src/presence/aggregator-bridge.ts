import { PresenceAggregator } from '@amo/presence-core';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ChangeOrigin } from '../events/change-origin';
import { PresenceEvents } from '../events/presence-events';
import { MetricsService } from '../metrics/metrics.service';

/**
 * Carries the aggregator's listener callbacks onto the typed event bus, and registers its metrics. A change
 * another instance made (cluster mode, applied from the bus) goes out under its `cluster.*` name instead.
 */
@Injectable()
export class AggregatorBridge implements OnModuleInit, OnModuleDestroy {
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly aggregator: PresenceAggregator,
    private readonly events: PresenceEvents,
    private readonly metrics: MetricsService,
    private readonly origin: ChangeOrigin,
  ) {}

  onModuleInit(): void {
    this.metrics.registerAggregator(this.aggregator);
    this.stops.push(
      this.aggregator.addPresenceListener((userId, platform, presence, previousStatus) => {
        const origin = this.origin.remote;
        if (origin !== undefined) return this.events.emit('cluster.presence.changed', { userId, platform, presence, origin });
        this.metrics.changes.inc({ platform });
        this.events.emit('presence.changed', { userId, platform, presence, previousStatus });
      }),
      this.aggregator.addAggregateListener((userId, change) => {
        const origin = this.origin.remote;
        if (origin !== undefined) return this.events.emit('cluster.aggregate.changed', { userId, ...change, origin });
        this.metrics.aggregateChanges.inc();
        this.events.emit('aggregate.changed', { userId, ...change });
      }),
    );
  }

  onModuleDestroy(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
