import type { PresenceStore } from '@amo/presence-store';
import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/scopes';
import { ClusterHealth } from '../cluster/cluster-health';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { PlatformConnector } from '../platforms/platform-connector.service';
import { PlatformStatusService } from '../platforms/platform-status.service';
import { NestScheduler } from '../presence/nest-scheduler';
import { PRESENCE_STORE } from '../store/store.providers';

const DB_TIMEOUT_MS = 2000;

@Controller()
export class HealthController {
  constructor(
    private readonly statuses: PlatformStatusService,
    private readonly connector: PlatformConnector,
    private readonly scheduler: NestScheduler,
    private readonly metrics: MetricsService,
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cluster: ClusterHealth,
  ) {}

  @Get('health')
  @Public('load balancers and humans check it without a key; it names no person')
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const [database, cluster] = await Promise.all([this.database(), this.cluster.view()]);
    const platforms = Object.fromEntries(
      this.statuses
        .all()
        .filter((view) => view.connected || view.state !== 'disconnected')
        .map((view) => [view.platform, { state: view.state, breaker: view.breaker, lastPollAt: view.lastPollAt, lastError: view.lastError }]),
    );
    const degraded = Object.values(platforms).some((platform) => platform.state !== 'up');
    // A cluster instance survives a database or Redis outage (it answers from what it holds): degraded, not error.
    const outage = database.status !== 'up' || cluster?.redis.status === 'down';
    const status = database.status !== 'up' && !cluster ? 'error' : degraded || outage ? 'degraded' : 'ok';
    if (status === 'error') reply.code(503);
    return {
      status,
      sandbox: this.config.sandbox,
      defaultPolicy: this.config.defaultPolicy,
      database,
      platforms,
      scheduler: { status: this.connector.monitoring ? 'running' : 'stopped', timers: this.scheduler.pending().length },
      ...(cluster && { cluster }),
      time: new Date().toISOString(),
    };
  }

  @Get('metrics')
  @Public('Prometheus scrapes it; labels carry platforms and codes, never person ids')
  @Header('Cache-Control', 'no-store')
  async prometheus(@Res() reply: FastifyReply): Promise<void> {
    reply.header('Content-Type', this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }

  private async database(): Promise<{ status: 'up' | 'down'; type: string; error?: string }> {
    const type = this.config.database.type;
    try {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer within 2 s')), DB_TIMEOUT_MS);
      });
      await Promise.race([this.store.dataSource.query('SELECT 1'), timeout]).finally(() => clearTimeout(timer));
      return { status: 'up', type };
    } catch (error) {
      return { status: 'down', type, error: (error as Error).message };
    }
  }
}
