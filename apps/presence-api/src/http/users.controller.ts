import { identityLinks, type IdentitiesResponse, type PersonExport, preferencesRequest, type PreferencesResponse, userIdPath, type UsersPage, usersQuery } from '@amo/presence-contract';
import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import type { z } from 'zod';
import { RequireScope } from '../auth/scopes';
import { ZodPipe } from '../errors/zod.pipe';
import { type IdentityMap, PeopleService } from '../people/people.service';

type UserIdPath = z.output<typeof userIdPath>;
const userIdPipe = new ZodPipe(userIdPath, 'path');

/** People: links, preferences, erasure and export. Documented by the contract's OPERATIONS. */
@Controller('v1/users')
export class UsersController {
  constructor(private readonly people: PeopleService) {}

  @Get()
  @RequireScope('read')
  list(@Query(new ZodPipe(usersQuery, 'query')) query: z.output<typeof usersQuery>): Promise<UsersPage> {
    return this.people.list(query.limit, query.cursor);
  }

  @Get(':userId/identities')
  @RequireScope('write')
  identities(@Param(userIdPipe) { userId }: UserIdPath): IdentitiesResponse {
    return this.people.identities(userId);
  }

  @Put(':userId/identities')
  @RequireScope('write')
  setIdentities(@Param(userIdPipe) { userId }: UserIdPath, @Body(new ZodPipe(identityLinks)) body: z.output<typeof identityLinks>): Promise<IdentitiesResponse> {
    return this.people.setIdentities(userId, body as IdentityMap);
  }

  @Get(':userId/preferences')
  @RequireScope('write')
  preferences(@Param(userIdPipe) { userId }: UserIdPath): PreferencesResponse {
    return this.people.preferencesOf(userId) as PreferencesResponse;
  }

  @Put(':userId/preferences')
  @RequireScope('write')
  setPreferences(@Param(userIdPipe) { userId }: UserIdPath, @Body(new ZodPipe(preferencesRequest)) body: z.output<typeof preferencesRequest>): Promise<PreferencesResponse> {
    return this.people.setPreferences(userId, body as Parameters<PeopleService['setPreferences']>[1]) as Promise<PreferencesResponse>;
  }

  @Delete(':userId')
  @HttpCode(204)
  @RequireScope('write')
  async erase(@Param(userIdPipe) { userId }: UserIdPath): Promise<void> {
    await this.people.erase(userId);
  }

  @Get(':userId/export')
  @RequireScope('write')
  export(@Param(userIdPipe) { userId }: UserIdPath): Promise<PersonExport> {
    return this.people.export(userId);
  }
}
