import { meetingsNowRequest, type MeetingsNowResponse, meetingsSuggestRequest, type MeetingsSuggestResponse } from '@amo/presence-contract';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import type { z } from 'zod';
import { RequireScope } from '../auth/scopes';
import { ZodPipe } from '../errors/zod.pipe';
import { MeetingsService } from './meetings.service';

/** What the orchestrator asks before prompting a meeting: now, or when. */
@Controller('v1/meetings')
export class MeetingsController {
  constructor(private readonly meetings: MeetingsService) {}

  @Post('now')
  @HttpCode(200)
  @RequireScope('read')
  now(@Body(new ZodPipe(meetingsNowRequest)) body: z.output<typeof meetingsNowRequest>): MeetingsNowResponse {
    return this.meetings.now(body.userIds);
  }

  @Post('suggest')
  @HttpCode(200)
  @RequireScope('read')
  suggest(@Body(new ZodPipe(meetingsSuggestRequest)) body: z.output<typeof meetingsSuggestRequest>): Promise<MeetingsSuggestResponse> {
    return this.meetings.suggest(body);
  }
}
