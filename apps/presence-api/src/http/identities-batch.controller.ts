import { identitiesBatchRequest, type IdentitiesBatchResponse } from '@amo/presence-contract';
import { IdentityBatchConflictError } from '@amo/presence-store';
import { type ArgumentsHost, Body, Catch, Controller, type ExceptionFilter, HttpCode, Post, UseFilters } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { z } from 'zod';
import { RequireScope } from '../auth/scopes';
import { ZodPipe } from '../errors/zod.pipe';
import { PeopleService, type PersonIdentities } from '../people/people.service';

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

/** Links many people at once (`linkIdentitiesBatch` in the contract's OPERATIONS). */
@Controller('v1/identities')
@UseFilters(IdentityBatchConflictFilter)
export class IdentitiesBatchController {
  constructor(private readonly people: PeopleService) {}

  @Post('batch')
  @HttpCode(200)
  @RequireScope('write')
  link(@Body(new ZodPipe(identitiesBatchRequest)) body: z.output<typeof identitiesBatchRequest>): Promise<IdentitiesBatchResponse> {
    return this.people.setIdentitiesBatch(body.people as PersonIdentities[]);
  }
}
