import { type BreakerState, type Platform, PresenceAggregator, type PresenceStatistics } from '@amo/presence-core';
import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Metric, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestHistogram } from './request-histogram';

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * Prometheus metrics (GET /metrics). Labels carry platforms, codes, routes and buckets: never a person id
 * (routes are patterns such as /v1/presence/:userId, not the URL that was called).
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly seen = new Map<string, number>();

  readonly changes = new Counter({ name: 'presence_changes_total', help: 'Per-platform presence changes', labelNames: ['platform'], registers: [this.registry] });
  readonly aggregateChanges = new Counter({ name: 'presence_aggregate_changes_total', help: 'Aggregate status or availability changes', registers: [this.registry] });
  readonly platformCalls = new Histogram({
    name: 'presence_platform_request_duration_seconds',
    help: 'Outgoing platform API call latency (the seed targets < 500 ms per platform)',
    labelNames: ['platform', 'outcome'],
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  /** Incoming request latency by method, route pattern and status; labels are made once per combination. */
  readonly httpRequests = new RequestHistogram('presence_http_request_duration_seconds', 'Incoming HTTP request latency', [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
  ]);
  readonly webhooks = new Counter({ name: 'presence_webhooks_total', help: 'Webhook deliveries by outcome', labelNames: ['platform', 'outcome'], registers: [this.registry] });
  readonly streamClients = new Gauge({ name: 'presence_stream_clients', help: 'Connected WebSocket stream clients', registers: [this.registry] });
  readonly streamDropped = new Counter({ name: 'presence_stream_dropped_total', help: 'Stream clients dropped', labelNames: ['reason'], registers: [this.registry] });
  /** Signed outbound event attempts by outcome: delivered, retried (a failed attempt with more to come) or dropped. */
  readonly outboundEvents = new Counter({
    name: 'presence_outbound_events_total',
    help: 'Outbound event webhook attempts by outcome (delivered, retried, dropped) and event type',
    labelNames: ['outcome', 'type'],
    registers: [this.registry],
  });

  constructor() {
    this.registry.registerMetric(this.httpRequests as unknown as Metric);
    // prom-client's own names start with process_ or nodejs_, so this prefix alone gives presence_process_*.
    collectDefaultMetrics({ register: this.registry, prefix: 'presence_' });
  }

  /** Metrics read from the aggregator on each scrape (polls, errors, retries, cache, breakers, budgets). */
  registerAggregator(aggregator: PresenceAggregator): void {
    // One scrape reads the statistics once, not once per metric: they walk the whole cache.
    let cached: { at: number; value: PresenceStatistics } | undefined;
    const stats = (): PresenceStatistics => {
      const now = Date.now();
      if (!cached || now - cached.at > 500) cached = { at: now, value: aggregator.getPresenceStatistics() };
      return cached.value;
    };
    const delta = (counter: Counter<string>, key: string, labels: Record<string, string>, total: number): void => {
      const before = this.seen.get(key) ?? 0;
      if (total > before) counter.inc(labels, total - before);
      this.seen.set(key, Math.max(before, total));
    };
    new Counter({
      name: 'presence_polls_total', help: 'Completed polls', labelNames: ['platform'], registers: [this.registry],
      collect() {
        for (const [platform, s] of Object.entries(stats().platforms)) delta(this, `polls:${platform}`, { platform }, s?.polls ?? 0);
      },
    });
    new Counter({
      name: 'presence_errors_total', help: 'Platform errors by code', labelNames: ['platform', 'code'], registers: [this.registry],
      collect() {
        for (const [platform, s] of Object.entries(stats().platforms)) {
          for (const [code, n] of Object.entries(s?.errorsByCode ?? {})) delta(this, `errors:${platform}:${code}`, { platform, code }, n);
        }
      },
    });
    new Counter({
      name: 'presence_retries_total', help: 'Retried platform requests', labelNames: ['platform'], registers: [this.registry],
      collect() {
        for (const [platform, s] of Object.entries(stats().platforms)) delta(this, `retries:${platform}`, { platform }, s?.health?.retries ?? 0);
      },
    });
    new Counter({
      name: 'presence_unrecognized_total', help: 'Native statuses no table knew', labelNames: ['platform'], registers: [this.registry],
      collect() {
        for (const [platform, s] of Object.entries(stats().platforms)) delta(this, `unrecognized:${platform}`, { platform }, s?.unrecognized ?? 0);
      },
    });
    new Gauge({
      name: 'presence_cache_hit_ratio', help: 'Share of presence reads answered by a fresh cached record', registers: [this.registry],
      collect() { this.set(stats().cache.hitRate); },
    });
    new Gauge({
      name: 'presence_people_tracked', help: 'People with identity links or cached presence', registers: [this.registry],
      collect() { this.set(stats().peopleTracked); },
    });
    new Gauge({
      name: 'presence_breaker_state', help: 'Circuit breaker per platform: 0 closed, 1 half-open, 2 open', labelNames: ['platform'], registers: [this.registry],
      collect() {
        this.reset();
        for (const platform of aggregator.platforms()) {
          const breaker = aggregator.adapter(platform)?.health?.()?.breaker;
          if (breaker) this.set({ platform }, BREAKER_VALUE[breaker]);
        }
      },
    });
    new Gauge({
      name: 'presence_rate_budget_used_ratio', help: 'Share of each rate budget used in its current window', labelNames: ['platform', 'bucket'], registers: [this.registry],
      collect() {
        this.reset();
        for (const platform of aggregator.platforms() as Platform[]) {
          for (const use of aggregator.adapter(platform)?.health?.()?.budgets ?? []) {
            this.set({ platform, bucket: use.bucket }, use.limit > 0 ? use.used / use.limit : 0);
          }
        }
      },
    });
  }

  /** Wraps fetch so every outgoing platform call is timed, labelled by platform and outcome class. */
  instrumentFetch(platform: Platform, inner: typeof fetch = fetch): typeof fetch {
    const histogram = this.platformCalls;
    return async (input, init) => {
      const stop = histogram.startTimer({ platform });
      try {
        const response = await inner(input, init);
        stop({ outcome: `${Math.floor(response.status / 100)}xx` });
        return response;
      } catch (error) {
        stop({ outcome: 'network' });
        throw error;
      }
    };
  }
}
