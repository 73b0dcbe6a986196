import { PresenceAggregator, validateId } from '@amo/presence-core';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { RequireScope } from '../auth/scopes';
import { ApiError } from '../errors/api-error';
import { ZodPipe } from '../errors/zod.pipe';
import { PlatformStatusService } from '../platforms/platform-status.service';
import { personView, type PersonPresenceView } from './presence-view';
import { availabilityBody, availabilityQuery, openApiSchema } from './request-schemas';

/** Reads, all served from the cache: no platform call happens on these paths. */
@ApiTags('presence')
@ApiBearerAuth()
@Controller('v1')
export class PresenceController {
  constructor(
    private readonly aggregator: PresenceAggregator,
    private readonly statuses: PlatformStatusService,
  ) {}

  @Get('presence/:userId')
  @RequireScope('read')
  @ApiOperation({ summary: "A person's aggregate and per-platform presence (404 without identity links)" })
  @ApiParam({ name: 'userId', description: 'AMO user id, 1-256 characters' })
  presence(@Param('userId') userId: string): PersonPresenceView {
    validateId(userId, 'userId');
    if (!this.aggregator.directory.has(userId)) throw ApiError.notFound(`no identity links for user ${JSON.stringify(userId)}`);
    return personView(this.aggregator.explain(userId));
  }

  @Post('availability')
  @HttpCode(200)
  @RequireScope('read')
  @ApiOperation({ summary: 'Who of these 1..1000 people is available now (online or idle, outside quiet hours, consenting)' })
  @ApiBody({ schema: openApiSchema(availabilityBody) })
  @ApiQuery({ name: 'details', required: false, enum: ['true', 'false'] })
  availability(
    @Body(new ZodPipe(availabilityBody)) body: z.output<typeof availabilityBody>,
    @Query(new ZodPipe(availabilityQuery, 'query')) query: z.output<typeof availabilityQuery>,
  ): { availability: Record<string, boolean>; details?: Record<string, { status: string; decidedBy: string | null; stale: string[] }> } {
    const availability = this.aggregator.areUsersAvailable(body.userIds);
    if (query.details !== 'true') return { availability };
    const details: Record<string, { status: string; decidedBy: string | null; stale: string[] }> = {};
    for (const userId of body.userIds) {
      const { status, decidedBy, stale } = this.aggregator.explain(userId);
      details[userId] = { status, decidedBy, stale };
    }
    return { availability, details };
  }

  @Get('stats')
  @RequireScope('read')
  @ApiOperation({ summary: "The seed's statistics plus cache hit rate, polls, errors, retries, breakers and rate-budget use" })
  stats(): Record<string, unknown> {
    const stats = this.aggregator.getPresenceStatistics();
    const platforms = Object.fromEntries(
      this.statuses
        .all()
        .filter((view) => view.connected || stats.platforms[view.platform])
        .map((view) => {
          const { health: _health, ...counters } = stats.platforms[view.platform] ?? {};
          return [
            view.platform,
            { ...counters, state: view.state, breaker: view.breaker, rateBudgets: view.rateBudgets, lastPollAt: view.lastPollAt, lastError: view.lastError },
          ];
        }),
    );
    return { ...stats, platforms };
  }
}
