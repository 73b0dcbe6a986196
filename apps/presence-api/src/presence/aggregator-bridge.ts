import { PresenceAggregator } from '@amo/presence-core';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PresenceEvents } from '../events/presence-events';
import { MetricsService } from '../metrics/metrics.service';

/** Carries the aggregator's listener callbacks onto the typed event bus, and registers its metrics. */
@Injectable()
export class AggregatorBridge implements OnModuleInit, OnModuleDestroy {
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly aggregator: PresenceAggregator,
    private readonly events: PresenceEvents,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.registerAggregator(this.aggregator);
    this.stops.push(
      this.aggregator.addPresenceListener((userId, platform, presence) => {
        this.metrics.changes.inc({ platform });
        this.events.emit('presence.changed', { userId, platform, presence });
      }),
      this.aggregator.addAggregateListener((userId, change) => {
        this.metrics.aggregateChanges.inc();
        this.events.emit('aggregate.changed', { userId, ...change });
      }),
    );
  }

  onModuleDestroy(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
