import { type Timers, timersOf } from '@amo/presence-adapter-kit';
import type { Clock } from '@amo/presence-core';
import type { OutboundEventInput, PresenceStore } from '@amo/presence-store';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { Timekeeper } from '../cluster/timekeeper';
import { APP_CONFIG, type AppConfig, type EventsWebhookConfig } from '../config/app-config';
import { PresenceEvents } from '../events/presence-events';
import { MetricsService } from '../metrics/metrics.service';
import { CLOCK } from '../presence/clock.provider';
import { PRESENCE_STORE } from '../store/store.providers';
import { DeliveryWorker } from './delivery-worker';
import { eventSender } from './event-sender';
import { aggregateChangedEvent, personOrderKey, platformChangedEvent } from './outbound-event';

const PURGE_EVERY_MS = 6 * 60 * 60_000;

/**
 * Signed outbound events (`PRESENCE_EVENTS_WEBHOOK_URL`): aggregate and platform changes are queued in the
 * store and POSTed by the {@link DeliveryWorker}. In a cluster each instance sends the changes it made; a change
 * time alone made (every instance finds it) is sent by the {@link Timekeeper} only. Events of one event-loop turn
 * are written in one transaction at the end of that turn (the snapshot writer's discipline with a much shorter
 * window), and only what is committed is ever sent; shutdown writes what is still buffered before the store
 * closes, so a restart loses none. An erased or fully opted-out person's deliveries stop at once: buffered ones
 * are discarded, one in flight is aborted, and the store deletes the queued ones.
 */
@Injectable()
export class OutboundEventsService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboundEvents');
  private readonly stops: (() => void)[] = [];
  private readonly timers: Timers;
  private worker?: DeliveryWorker;
  private buffer: OutboundEventInput[] = [];
  private flushArmed = false;
  private writing: Promise<void> = Promise.resolve();
  private purgeTimer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly events: PresenceEvents,
    private readonly metrics: MetricsService,
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly timekeeper: Timekeeper,
  ) {
    // The service's clock (the store dates the queue with it too); the global timers, read when used.
    this.timers = timersOf({ now: () => clock.now() });
  }

  onModuleInit(): void {
    const webhook = this.config.eventsWebhook;
    if (!webhook) return;
    this.worker = this.createWorker(webhook);
    this.stops.push(
      this.events.on('aggregate.changed', (change) => {
        // A change time alone made is found by every instance of a cluster: the timekeeper sends it, once.
        if (change.byTime && !this.timekeeper.holding) return;
        this.queue(aggregateChangedEvent(change, this.clock.now()));
      }),
      this.events.on('platform.changed', (change) => this.queue(platformChangedEvent(change, this.clock.now()))),
      this.events.on('person.forgotten', ({ userId, platform }) => {
        // One platform's opt-out leaves the person's aggregate events; erasure and a full opt-out do not.
        if (platform === undefined) this.forget(userId);
      }),
    );
  }

  /** Deliveries the previous run left are sent from the start; dropped ones are purged with the audit log. */
  onApplicationBootstrap(): void {
    if (!this.worker) return;
    this.worker.kick();
    const purge = (): void => {
      this.store.outbound
        .purgeDropped(this.config.auditRetentionDays)
        .catch((error: unknown) => this.logger.error(`purging dropped events failed: ${(error as Error).message}`));
    };
    purge();
    this.purgeTimer = setInterval(purge, PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  /** Writes the buffered events now, in one transaction, and wakes the worker. */
  flush(): Promise<void> {
    const run = this.writing.then(async () => {
      const batch = this.buffer.splice(0);
      if (batch.length === 0) return;
      try {
        await this.store.outbound.enqueue(batch);
      } catch (error) {
        this.buffer.unshift(...batch);
        throw error;
      }
      this.worker?.kick();
    });
    this.writing = run.catch(() => undefined);
    return run;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    await this.worker?.stop();
  }

  /** After every module stopped (changes made while stopping included), before the store closes. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    await this.flush().catch((error: unknown) => this.logger.error(`writing queued events failed: ${(error as Error).message}`));
  }

  private queue(event: OutboundEventInput): void {
    this.buffer.push(event);
    if (this.flushArmed) return;
    this.flushArmed = true;
    setImmediate(() => {
      this.flushArmed = false;
      this.flush().catch((error: unknown) => this.logger.error(`queueing events failed: ${(error as Error).message}`));
    });
  }

  private forget(userId: string): void {
    this.buffer = this.buffer.filter((event) => event.userId !== userId);
    const release = this.worker?.hold(personOrderKey(userId));
    // After any write in progress, so a row it commits is deleted too.
    const run = this.writing.then(() => this.store.outbound.forget([userId]));
    this.writing = run.then(
      () => release?.(),
      (error: unknown) => {
        release?.();
        this.logger.error(`dropping an erased person's events failed: ${(error as Error).message}`);
      },
    );
  }

  private createWorker(webhook: EventsWebhookConfig): DeliveryWorker {
    const { tuning } = this.config;
    return new DeliveryWorker({
      queue: this.store.outbound,
      send: eventSender({ url: webhook.url, secret: webhook.secret, timeoutMs: tuning.eventsWebhookTimeoutMs, now: () => this.clock.now() }),
      maxAttempts: webhook.maxAttempts,
      backoff: { baseMs: tuning.eventsWebhookRetryBaseMs, maxMs: tuning.eventsWebhookRetryMaxMs },
      concurrency: tuning.eventsWebhookConcurrency,
      timers: this.timers,
      onAttempt: (event, outcome, attempts, error) => {
        this.metrics.outboundEvents.inc({ outcome, type: event.type });
        if (outcome === 'dropped') {
          // The dropped row stays in the store (store.outbound.dropped()) as the audit record until the retention.
          this.logger.warn(`outbound event ${event.eventId} (${event.type}) dropped after ${attempts} attempts: ${error}`);
        } else if (outcome === 'retried') {
          this.logger.debug(`outbound event ${event.eventId} attempt ${attempts} failed: ${error}`);
        }
      },
      onError: (error) => this.logger.error(`outbound event queue: ${(error as Error).message}`),
    });
  }
}
