import {
  type AvailabilityDetail,
  availabilityQuery,
  availabilityRequest,
  type AvailabilityResponse,
  presenceBatchRequest,
  type PresenceBatchResponse,
  type StatsResponse,
  userIdPath,
} from '@amo/presence-contract';
import { PresenceAggregator } from '@amo/presence-core';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { z } from 'zod';
import { RequireScope } from '../auth/scopes';
import { ApiError } from '../errors/api-error';
import { ZodPipe } from '../errors/zod.pipe';
import { PlatformStatusService } from '../platforms/platform-status.service';
import { MeetingsService } from './meetings.service';
import { personView, type PersonPresenceView } from './presence-view';

/** Reads, all served from the cache: no platform call happens on these paths. Documented by the contract's OPERATIONS. */
@Controller('v1')
export class PresenceController {
  constructor(
    private readonly aggregator: PresenceAggregator,
    private readonly statuses: PlatformStatusService,
    private readonly meetings: MeetingsService,
  ) {}

  @Get('presence/:userId')
  @RequireScope('read')
  presence(@Param(new ZodPipe(userIdPath, 'path')) { userId }: z.output<typeof userIdPath>): PersonPresenceView {
    if (!this.aggregator.directory.has(userId)) throw ApiError.notFound(`no identity links for user ${JSON.stringify(userId)}`);
    return personView(this.aggregator.explain(userId));
  }

  @Post('presence/batch')
  @HttpCode(200)
  @RequireScope('read')
  presenceBatch(@Body(new ZodPipe(presenceBatchRequest)) body: z.output<typeof presenceBatchRequest>): PresenceBatchResponse {
    const presences: PresenceBatchResponse['presences'] = {};
    const notFound: string[] = [];
    for (const userId of new Set(body.userIds)) {
      if (this.aggregator.directory.has(userId)) presences[userId] = personView(this.aggregator.explain(userId));
      else notFound.push(userId);
    }
    return { presences, notFound };
  }

  @Post('availability')
  @HttpCode(200)
  @RequireScope('read')
  availability(
    @Body(new ZodPipe(availabilityRequest)) body: z.output<typeof availabilityRequest>,
    @Query(new ZodPipe(availabilityQuery, 'query')) query: z.output<typeof availabilityQuery>,
  ): AvailabilityResponse {
    const availability = this.aggregator.areUsersAvailable(body.userIds);
    if (!query.details) return { availability };
    const details: Record<string, AvailabilityDetail> = {};
    for (const userId of body.userIds) {
      const { status, decidedBy, stale } = this.aggregator.explain(userId);
      details[userId] = { status, decidedBy, stale, bestChannel: this.meetings.bestChannel(userId) };
    }
    return { availability, details };
  }

  @Get('stats')
  @RequireScope('read')
  stats(): StatsResponse {
    const stats = this.aggregator.getPresenceStatistics();
    const platforms = Object.fromEntries(
      this.statuses
        .all()
        .filter((view) => view.connected || stats.platforms[view.platform])
        .map((view) => {
          const { health: _health, ...counters } = stats.platforms[view.platform] ?? {};
          return [
            view.platform,
            { polls: 0, errors: 0, ...counters, state: view.state, breaker: view.breaker, rateBudgets: view.rateBudgets, lastPollAt: view.lastPollAt, lastError: view.lastError },
          ];
        }),
    );
    return { ...stats, platforms };
  }
}
