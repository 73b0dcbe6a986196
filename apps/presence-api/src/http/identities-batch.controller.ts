import { IdentityBatchConflictError } from '@amo/presence-store';
import { type ArgumentsHost, Body, Catch, Controller, type ExceptionFilter, HttpCode, Post, UseFilters } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { RequireScope } from '../auth/scopes';
import { ZodPipe } from '../errors/zod.pipe';
import { PeopleService, type PersonIdentities } from '../people/people.service';
import { identitiesBatchBody, MAX_BATCH_PEOPLE, openApiSchema } from './request-schemas';

/** `{error: {code, message, details}}`: one detail per failing person, pointing into the request body. */
@Catch(IdentityBatchConflictError)
export class IdentityBatchConflictFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: IdentityBatchConflictError, host: ArgumentsHost): void {
    const details = error.conflicts.map(({ index, userId, platform, message }) => ({
      path: platform === undefined ? `body.people.${index}.userId` : `body.people.${index}.identities.${platform}`,
      message: `${userId}: ${message}`,
    }));
    const body = { error: { code: error.code, message: error.message, details } };
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, 409);
  }
}

const conflictExample = {
  error: {
    code: 'CONFLICT',
    message: '1 person in the batch conflict; nothing was changed',
    details: [{ path: 'body.people.1.identities.slack', message: 'bob: slack account U024BE7LH is already linked to another person' }],
  },
};

@ApiTags('users')
@ApiBearerAuth()
@Controller('v1/identities')
@UseFilters(IdentityBatchConflictFilter)
export class IdentitiesBatchController {
  constructor(private readonly people: PeopleService) {}

  @Post('batch')
  @HttpCode(200)
  @RequireScope('write')
  @ApiOperation({
    summary: `Links up to ${MAX_BATCH_PEOPLE} people at once (PUT semantics per person, one transaction, all or nothing)`,
    description:
      'Each person\'s links become exactly the given ones, as PUT /v1/users/{userId}/identities does. Any conflict (an account ' +
      'linked to someone outside the batch, an account claimed twice, a person named twice) answers 409 with one entry in ' +
      '`error.details` per failing person, and nothing changes. New accounts show as "linked, no data" until the next sweep.',
  })
  @ApiBody({
    schema: openApiSchema(identitiesBatchBody),
    examples: { two: { value: { people: [{ userId: 'alice', identities: { slack: 'U024BE7LH' } }, { userId: 'bob', identities: { teams: 'b6c1a2f0-0000-4000-8000-000000000001' } }] } } },
  })
  @ApiResponse({ status: 200, description: 'All linked: `{linked, people: [{userId, identities}]}` in request order' })
  @ApiResponse({ status: 409, description: 'Nothing changed; each failing person in `error.details`', schema: { example: conflictExample } })
  link(@Body(new ZodPipe(identitiesBatchBody)) body: z.output<typeof identitiesBatchBody>): Promise<{ linked: number; people: PersonIdentities[] }> {
    return this.people.setIdentitiesBatch(body.people as PersonIdentities[]);
  }
}
