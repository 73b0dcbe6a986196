import { parsePlatform, type Platform, PresenceAggregator } from '@amo/presence-core';
import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { RequireScope } from '../auth/scopes';
import { ZodPipe } from '../errors/zod.pipe';
import { PlatformConnector } from '../platforms/platform-connector.service';
import { PlatformStatusService, type PlatformStatusView } from '../platforms/platform-status.service';
import { connectBody, monitoringIntervalBody, monitoringStartBody, monitoringStopBody, openApiSchema } from './request-schemas';

@ApiTags('platforms')
@ApiBearerAuth()
@Controller('v1')
export class PlatformsController {
  constructor(
    private readonly aggregator: PresenceAggregator,
    private readonly connector: PlatformConnector,
    private readonly statuses: PlatformStatusService,
  ) {}

  @Get('platforms')
  @RequireScope('admin')
  @ApiOperation({ summary: 'Each platform: connected, state, capabilities, monitoring, breaker, last poll, last error' })
  list(): { platforms: PlatformStatusView[] } {
    return { platforms: this.statuses.all() };
  }

  @Post('platforms/:platform/connect')
  @HttpCode(200)
  @RequireScope('admin')
  @ApiOperation({ summary: "The seed's initialize_platform: connect with credentials (stored encrypted)" })
  @ApiBody({
    schema: openApiSchema(connectBody),
    examples: { discord: { value: { credentials: { bot_token: '...', guild_id: '41771983444115456' } } }, slack: { value: { credentials: { bot_token: 'xoxb-...', signing_secret: '...' } } } },
  })
  async connect(@Param('platform') name: string, @Body(new ZodPipe(connectBody)) body: z.output<typeof connectBody>): Promise<PlatformStatusView> {
    const platform = parsePlatform(name);
    await this.connector.connect(platform, body.credentials, { source: 'api', persist: { kind: 'app' } });
    return this.statuses.one(platform);
  }

  @Put('platforms/:platform/monitoring')
  @RequireScope('admin')
  @ApiOperation({ summary: "Changes a platform's polling interval at runtime" })
  @ApiBody({ schema: openApiSchema(monitoringIntervalBody) })
  interval(@Param('platform') name: string, @Body(new ZodPipe(monitoringIntervalBody)) body: z.output<typeof monitoringIntervalBody>): PlatformStatusView {
    const platform = parsePlatform(name);
    this.aggregator.setPollInterval(platform, body.intervalSeconds * 1000);
    return this.statuses.one(platform);
  }

  @Post('monitoring/start')
  @HttpCode(200)
  @RequireScope('admin')
  @ApiOperation({ summary: "The seed's start_monitoring: these platforms, or every connected one" })
  @ApiBody({ schema: openApiSchema(monitoringStartBody), required: false })
  async start(@Body(new ZodPipe(monitoringStartBody)) body: z.output<typeof monitoringStartBody>): Promise<{ monitoring: Platform[] }> {
    await this.connector.startMonitoring(body.platforms);
    return { monitoring: this.aggregator.platforms().filter((platform) => this.aggregator.isMonitoring(platform)) };
  }

  @Post('monitoring/stop')
  @HttpCode(200)
  @RequireScope('admin')
  @ApiOperation({
    summary:
      "The seed's stop_monitoring, for these platforms or all: no platform calls, push connections closed (a Discord " +
      'session kept for resume), webhook deliveries acknowledged but not applied; records then age and turn stale',
  })
  @ApiBody({ schema: openApiSchema(monitoringStopBody), required: false })
  async stop(@Body(new ZodPipe(monitoringStopBody)) body: z.output<typeof monitoringStopBody>): Promise<{ monitoring: Platform[] }> {
    await this.connector.stopMonitoring(body.platforms);
    return { monitoring: this.aggregator.platforms().filter((platform) => this.aggregator.isMonitoring(platform)) };
  }
}
