import { fullJitterDelayMs } from '@amo/presence-adapter-kit';
import { type Clock, isPresenceError, type Platform, PresenceAggregator, PresenceError } from '@amo/presence-core';
import type { PresenceStore } from '@amo/presence-store';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK } from '../presence/clock.provider';
import { NestScheduler } from '../presence/nest-scheduler';
import { PRESENCE_STORE } from '../store/store.providers';
import { type ConnectionSource, ConnectionRegistry } from './connection-registry';
import { PlatformWirings } from './platform-wirings.service';

const RETRY_FIRST_MS = 15_000;
const RETRY_MAX_MS = 5 * 60_000;

export interface ConnectOptions {
  source: ConnectionSource;
  /** Store the credentials (encrypted) so a restart reconnects. */
  persist?: { kind: 'app' | 'delegated' };
  /** Keep retrying transient failures in the background (start-up connections). */
  retry?: boolean;
}

/**
 * Connects platforms: checks credentials with the adapter's parser, connects through the aggregator,
 * records the outcome, stores the credentials when asked, and starts monitoring if it is on.
 */
@Injectable()
export class PlatformConnector {
  private readonly logger = new Logger('Platforms');
  private monitoringOn = false;
  private closed = false;
  private readonly attempts = new Map<Platform, number>();

  constructor(
    private readonly aggregator: PresenceAggregator,
    private readonly wirings: PlatformWirings,
    private readonly connections: ConnectionRegistry,
    private readonly scheduler: NestScheduler,
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Throws InvalidInputError (bad shape) or PresenceError (the platform said no, or could not be reached). */
  async connect(platform: Platform, credentials: Readonly<Record<string, unknown>>, options: ConnectOptions): Promise<void> {
    const wiring = this.wirings.require(platform);
    wiring.parseCredentials(credentials);
    this.scheduler.cancel(`presence:connect:${platform}`);
    const wasMonitored = this.aggregator.isMonitoring(platform);
    try {
      await this.aggregator.connectPlatform(platform, credentials);
    } catch (error) {
      const presenceError = isPresenceError(error) ? error : new PresenceError('TRANSIENT', String(error), { platform, cause: error });
      const retrying = options.retry === true && presenceError.retryable;
      this.connections.setFailed(platform, { error: presenceError, source: options.source, at: new Date(this.clock.now()), retrying });
      this.logger.warn(`${platform}: connect failed (${presenceError.code}): ${presenceError.message}`);
      if (retrying) this.scheduleRetry(platform, credentials, options);
      throw presenceError;
    }
    if (this.closed) {
      // Shutdown began while this platform was connecting: close what just opened instead of keeping it.
      await this.aggregator.close();
      return;
    }
    this.attempts.delete(platform);
    this.connections.setActive(platform, { credentials, source: options.source, connectedAt: new Date(this.clock.now()) });
    // Sandbox connections are the start-up block's to report; real ones are worth a line each.
    if (options.source === 'sandbox') this.logger.debug(`${platform}: connected (sandbox)`);
    else this.logger.log(`${platform}: connected (${options.source})`);
    if (options.persist) {
      await this.store.connections.save({ platform, kind: options.persist.kind, credentials });
    }
    if (this.monitoringOn) await this.restartIfReplaced(platform, wasMonitored);
  }

  /** Starts monitoring (polling loops and push connections) for these platforms, or every connected one. */
  async startMonitoring(platforms?: readonly Platform[]): Promise<Platform[]> {
    if (this.closed) return [];
    const targets = [...(platforms ?? this.aggregator.platforms())];
    const missing = targets.filter((platform) => !this.aggregator.adapter(platform));
    if (missing.length > 0) {
      throw new PresenceError('UNSUPPORTED', `not connected: ${missing.join(', ')}; connect the platform first`);
    }
    this.monitoringOn = true;
    await this.aggregator.startMonitoring(targets);
    return targets;
  }

  /** Stops monitoring for real (these platforms, or all): polling loops, push connections, webhooks applied. */
  async stopMonitoring(platforms?: readonly Platform[]): Promise<void> {
    await this.aggregator.stopMonitoring(platforms);
    this.monitoringOn = this.aggregator.isMonitoring();
  }

  get monitoring(): boolean {
    return this.monitoringOn;
  }

  /** Shutdown: no retry fires and no connection finishing later is kept. */
  shutdown(): void {
    this.closed = true;
    this.monitoringOn = false;
    this.cancelRetries();
  }

  cancelRetries(): void {
    for (const platform of this.wirings.platforms()) this.scheduler.cancel(`presence:connect:${platform}`);
  }

  /** A replaced adapter needs its loop and push started; the other platforms are left alone. */
  private async restartIfReplaced(platform: Platform, wasMonitored: boolean): Promise<void> {
    if (wasMonitored) await this.aggregator.stopMonitoring([platform]);
    await this.aggregator.startMonitoring([platform]);
  }

  private scheduleRetry(platform: Platform, credentials: Readonly<Record<string, unknown>>, options: ConnectOptions): void {
    const attempt = (this.attempts.get(platform) ?? 0) + 1;
    this.attempts.set(platform, attempt);
    // The kit's one backoff: full jitter, so instances restarted together do not retry in step.
    const delay = fullJitterDelayMs(attempt - 1, { baseMs: RETRY_FIRST_MS, maxMs: RETRY_MAX_MS }, Math.random);
    this.scheduler.schedule(`presence:connect:${platform}`, delay, () => {
      this.connect(platform, credentials, options).catch(() => undefined);
    });
  }
}
