import { connectRequest, monitoringIntervalRequest, monitoringPlatformsRequest, type MonitoringResponse, platformPath, type PlatformsResponse, type PlatformStatus } from '@amo/presence-contract';
import { PresenceAggregator } from '@amo/presence-core';
import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import type { z } from 'zod';
import { RequireScope } from '../auth/scopes';
import { ClusterHealth } from '../cluster/cluster-health';
import { ZodPipe } from '../errors/zod.pipe';
import { PlatformConnector } from '../platforms/platform-connector.service';
import { PlatformStatusService } from '../platforms/platform-status.service';

type PlatformPath = z.output<typeof platformPath>;
const platformPipe = new ZodPipe(platformPath, 'path');
/** Start and stop take `{platforms}` or no body at all (every platform). */
const monitoringBody = monitoringPlatformsRequest.optional();

/** Connections and monitoring. Documented by the contract's OPERATIONS. */
@Controller('v1')
export class PlatformsController {
  constructor(
    private readonly aggregator: PresenceAggregator,
    private readonly connector: PlatformConnector,
    private readonly statuses: PlatformStatusService,
    private readonly cluster: ClusterHealth,
  ) {}

  @Get('platforms')
  @RequireScope('admin')
  async list(): Promise<PlatformsResponse> {
    // In cluster mode: every live instance's platforms too, and each platform's state for the cluster.
    const cluster = await this.cluster.view();
    // The view's arrays are readonly; the document's are plain arrays of the same items.
    return { platforms: this.statuses.all() as PlatformStatus[], ...(cluster && { cluster }) };
  }

  @Post('platforms/:platform/connect')
  @HttpCode(200)
  @RequireScope('admin')
  async connect(@Param(platformPipe) { platform }: PlatformPath, @Body(new ZodPipe(connectRequest)) body: z.output<typeof connectRequest>): Promise<PlatformStatus> {
    await this.connector.connect(platform, body.credentials, { source: 'api', persist: { kind: 'app' } });
    return this.statuses.one(platform) as PlatformStatus;
  }

  @Put('platforms/:platform/monitoring')
  @RequireScope('admin')
  interval(@Param(platformPipe) { platform }: PlatformPath, @Body(new ZodPipe(monitoringIntervalRequest)) body: z.output<typeof monitoringIntervalRequest>): PlatformStatus {
    this.aggregator.setPollInterval(platform, body.intervalSeconds * 1000);
    return this.statuses.one(platform) as PlatformStatus;
  }

  @Post('monitoring/start')
  @HttpCode(200)
  @RequireScope('admin')
  async start(@Body(new ZodPipe(monitoringBody)) body: z.output<typeof monitoringBody>): Promise<MonitoringResponse> {
    await this.connector.startMonitoring(body?.platforms);
    return this.monitoring();
  }

  @Post('monitoring/stop')
  @HttpCode(200)
  @RequireScope('admin')
  async stop(@Body(new ZodPipe(monitoringBody)) body: z.output<typeof monitoringBody>): Promise<MonitoringResponse> {
    await this.connector.stopMonitoring(body?.platforms);
    return this.monitoring();
  }

  private monitoring(): MonitoringResponse {
    return { monitoring: this.aggregator.platforms().filter((platform) => this.aggregator.isMonitoring(platform)) };
  }
}
