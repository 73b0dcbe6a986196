import { identitiesBatchRequest, type IdentitiesBatchResponse } from '@amo/presence-contract';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import type { z } from 'zod';
import { RequireScope } from '../auth/scopes';
import { ZodPipe } from '../errors/zod.pipe';
import { PeopleService, type PersonIdentities } from '../people/people.service';

/**
 * Links many people at once (`linkIdentitiesBatch` in the contract's OPERATIONS). A conflict is the store's
 * IdentityBatchConflictError: the one exception filter answers 409 with one detail per failing person.
 */
@Controller('v1/identities')
export class IdentitiesBatchController {
  constructor(private readonly people: PeopleService) {}

  @Post('batch')
  @HttpCode(200)
  @RequireScope('write')
  link(@Body(new ZodPipe(identitiesBatchRequest)) body: z.output<typeof identitiesBatchRequest>): Promise<IdentitiesBatchResponse> {
    return this.people.setIdentitiesBatch(body.people as PersonIdentities[]);
  }
}
