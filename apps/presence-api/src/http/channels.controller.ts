import { channelsQuery, type ChannelsResponse, userIdPath } from '@amo/presence-contract';
import { Controller, Get, Param, Query } from '@nestjs/common';
import type { z } from 'zod';
import { RequireScope } from '../auth/scopes';
import { ApiError } from '../errors/api-error';
import { ZodPipe } from '../errors/zod.pipe';
import { MeetingsService } from './meetings.service';

/** The best channel to reach a person now: their linked platforms ranked, each with its reasons. */
@Controller('v1/users')
export class ChannelsController {
  constructor(private readonly meetings: MeetingsService) {}

  @Get(':userId/channels')
  @RequireScope('read')
  channels(
    @Param(new ZodPipe(userIdPath, 'path')) { userId }: z.output<typeof userIdPath>,
    @Query(new ZodPipe(channelsQuery, 'query')) query: z.output<typeof channelsQuery>,
  ): ChannelsResponse {
    const channels = this.meetings.channels(userId, query.urgent === true);
    if (!channels) throw ApiError.notFound(`no identity links for user ${JSON.stringify(userId)}`);
    return { userId, channels };
  }
}
