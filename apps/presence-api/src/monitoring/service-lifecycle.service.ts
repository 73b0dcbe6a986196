import { type Clock, type Platform, PresenceAggregator } from '@amo/presence-core';
import type { PresenceStore } from '@amo/presence-store';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ClusterFanout } from '../cluster/cluster-fanout.service';
import { ClusterSandbox } from '../cluster/cluster-sandbox';
import { APP_CONFIG, type AppConfig, type CredentialRecord } from '../config/app-config';
import { PresencePersistence } from '../persistence/presence-persistence.service';
import { type ConnectionSource } from '../platforms/connection-registry';
import { PlatformConnector } from '../platforms/platform-connector.service';
import { PlatformStatusService } from '../platforms/platform-status.service';
import { PlatformWirings } from '../platforms/platform-wirings.service';
import { RuntimeEndpoints } from '../platforms/runtime-endpoints';
import { CLOCK } from '../presence/clock.provider';
import { PreferencesCache } from '../presence/preferences-cache';
import { SANDBOX_STARTER, type SandboxEnvironment, type SandboxStarter } from '../sandbox/sandbox-environment';
import { PRESENCE_STORE } from '../store/store.providers';

const RETENTION = 'presence:audit-retention';
const RETENTION_EVERY_MS = 6 * 60 * 60_000;

interface Planned {
  platform: Platform;
  credentials: Readonly<Record<string, unknown>>;
  source: ConnectionSource;
}

/**
 * Start and stop, in order. Before the server listens: preferences, identities and the snapshot are
 * restored. After it listens (webhook handshakes need it): platforms connect and monitoring starts.
 * On shutdown: retries cancelled, polling stopped, adapters closed, sandbox stopped; the store closes last.
 */
@Injectable()
export class ServiceLifecycle implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('Service');
  private sandbox?: SandboxEnvironment;
  private started = false;
  private stopping = false;

  constructor(
    private readonly aggregator: PresenceAggregator,
    private readonly connector: PlatformConnector,
    private readonly statuses: PlatformStatusService,
    private readonly wirings: PlatformWirings,
    private readonly endpoints: RuntimeEndpoints,
    private readonly preferences: PreferencesCache,
    private readonly persistence: PresencePersistence,
    private readonly registry: SchedulerRegistry,
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(SANDBOX_STARTER) private readonly startSandbox?: SandboxStarter,
    @Optional() private readonly fanout?: ClusterFanout,
    @Optional() private readonly clusterSandbox?: ClusterSandbox,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const note of this.config.notes) this.logger.warn(note);
    await this.wirings.preloadState();
    this.preferences.replaceAll(await this.store.preferences.loadAll());
    const links = await this.store.identities.loadInto(this.aggregator.directory);
    // A page of columns at a time: 600,000 records (100,000 people on six platforms) make no object each.
    const restore = () => this.store.snapshots.restoreInto(this.aggregator);
    // Cluster mode: the snapshot is older than what the cluster holds in Redis; it must not overwrite it there.
    const snapshots = await (this.fanout ? this.fanout.restoring(restore) : restore());
    this.persistence.restored();
    this.logger.log(`restored ${links} identity links, ${this.preferences.size} preferences and ${snapshots} snapshot records`);
    // Cluster mode: newer presence from Redis over the snapshot, then this instance's changes go out on the bus.
    await this.fanout?.warm();
  }

  /** Connects every configured platform and starts monitoring; call once the HTTP server listens. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const planned = this.config.sandbox ? await this.planSandbox() : await this.planConfigured();
    const results = await Promise.allSettled(
      planned.map((plan) => this.connector.connect(plan.platform, plan.credentials, { source: plan.source, retry: true })),
    );
    const connected = planned.filter((_, index) => results[index].status === 'fulfilled').map((plan) => plan.platform);
    if (this.stopping) return;
    await this.connector.startMonitoring(connected);
    if (this.stopping) return;
    this.statuses.startWatching();
    this.scheduleRetention();
    // The start-up block (bootstrap) says this for operators; the line stays for debugging.
    this.logger.debug(
      `monitoring ${connected.length > 0 ? connected.join(', ') : 'no platform'}` +
        (this.config.sandbox ? ' (SANDBOX: emulated platforms and sample people, not real presence)' : ''),
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.connector.shutdown();
    if (this.registry.doesExist('interval', RETENTION)) this.registry.deleteInterval(RETENTION);
    // A shutdown, not a stop: loops end and adapters close, but a Graph subscription and a resumable Discord
    // session are kept for the next start (POST /v1/monitoring/stop is what releases them).
    await this.aggregator.close();
    await this.sandbox?.close().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    // What the closing adapters handed over (Discord's session to resume) is saved before the store closes.
    await this.wirings.settled();
    await this.store.close();
  }

  get sandboxRunning(): boolean {
    return this.sandbox !== undefined;
  }

  private async planConfigured(): Promise<Planned[]> {
    const planned: Planned[] = [];
    const fromEnv = this.config.credentials as Partial<Record<Platform, CredentialRecord>>;
    for (const [platform, credentials] of Object.entries(fromEnv) as [Platform, CredentialRecord][]) {
      if (!this.wirings.get(platform)) {
        this.logger.warn(`${platform} credentials are set, but no ${platform} adapter is installed in this build`);
        continue;
      }
      planned.push({ platform, credentials, source: 'env' });
    }
    for (const connection of await this.store.connections.list()) {
      if (!this.wirings.get(connection.platform)) continue;
      const stored = (await this.store.connections.credentials(connection.platform))?.reveal();
      if (!stored) continue;
      const env = planned.find((plan) => plan.platform === connection.platform);
      if (env) {
        // The environment's fields win; what only the stored connection has (a delegated grant) is kept.
        env.credentials = { ...stored, ...env.credentials };
        continue;
      }
      planned.push({ platform: connection.platform, credentials: stored, source: 'stored' });
    }
    return planned;
  }

  private async planSandbox(): Promise<Planned[]> {
    if (!this.startSandbox) return [];
    const start = this.startSandbox;
    const run = () => start({ publicUrl: this.config.publicUrl, clock: this.clock });
    // Cluster mode: one sandbox for every instance, hosted by one of them.
    this.sandbox = await (this.clusterSandbox ? this.clusterSandbox.join(run) : run());
    if (this.stopping) {
      await this.sandbox.close();
      return [];
    }
    this.endpoints.override(this.sandbox.baseUrls);
    for (const person of this.sandbox.people) {
      for (const [platform, accountId] of Object.entries(person.accounts) as [Platform, string][]) {
        if (this.stopping) return [];
        if (this.aggregator.directory.accountOf(person.userId, platform) === accountId) continue;
        try {
          await this.store.identities.link(person.userId, platform, accountId);
          this.aggregator.directory.link(person.userId, platform, accountId);
          await this.consentSample(person.userId);
        } catch (error) {
          // Someone relinked a sample account by hand: keep their choice, and say so.
          this.logger.warn(`sandbox: ${person.userId} not linked to ${platform} ${accountId}: ${(error as Error).message}`);
        }
      }
    }
    this.logger.debug(`SANDBOX mode: emulated platforms on loopback and ${this.sandbox.people.length} sample people; this is not real presence`);
    return (Object.entries(this.sandbox.credentials) as [Platform, CredentialRecord][])
      .filter(([platform]) => this.wirings.get(platform))
      .map(([platform, credentials]) => ({ platform, credentials, source: 'sandbox' as const }));
  }

  /** Sample people are consented even when the operator set the default to denied (their own database). */
  private async consentSample(userId: string): Promise<void> {
    if (this.config.consentDefault || this.preferences.get(userId)?.consent !== undefined) return;
    const preferences = { ...this.preferences.get(userId), consent: true };
    await this.store.preferences.save(userId, preferences);
    this.preferences.set(userId, preferences);
  }

  private scheduleRetention(): void {
    const purge = (): void => {
      this.store.audit
        .purge(this.config.auditRetentionDays)
        .then((removed) => removed > 0 && this.logger.log(`audit retention: removed ${removed} entries`))
        .catch((error: unknown) => this.logger.error(`audit retention failed: ${(error as Error).message}`));
    };
    purge();
    const timer = setInterval(purge, RETENTION_EVERY_MS);
    timer.unref();
    this.registry.addInterval(RETENTION, timer);
  }
}
