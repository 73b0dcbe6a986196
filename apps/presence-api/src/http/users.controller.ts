import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { RequireScope } from '../auth/scopes';
import { ZodPipe } from '../errors/zod.pipe';
import { type IdentityMap, PeopleService, type PreferencesView } from '../people/people.service';
import { identitiesBody, openApiSchema, preferencesBody, usersQuery } from './request-schemas';

@ApiTags('users')
@ApiBearerAuth()
@Controller('v1/users')
export class UsersController {
  constructor(private readonly people: PeopleService) {}

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'People known to the service (ids and linked platforms), paged' })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  list(@Query(new ZodPipe(usersQuery, 'query')) query: z.output<typeof usersQuery>) {
    return this.people.list(query.limit, query.cursor);
  }

  @Get(':userId/identities')
  @RequireScope('write')
  @ApiOperation({ summary: "A person's platform accounts: {platform: accountId}" })
  identities(@Param('userId') userId: string): IdentityMap {
    return this.people.identities(userId);
  }

  @Put(':userId/identities')
  @RequireScope('write')
  @ApiOperation({ summary: "Replaces a person's platform accounts (409 if an account belongs to someone else)" })
  @ApiBody({ schema: openApiSchema(identitiesBody), examples: { alice: { value: { slack: 'U024BE7LH', discord: '80351110224678912' } } } })
  setIdentities(@Param('userId') userId: string, @Body(new ZodPipe(identitiesBody)) body: z.output<typeof identitiesBody>): Promise<IdentityMap> {
    return this.people.setIdentities(userId, body as IdentityMap);
  }

  @Get(':userId/preferences')
  @RequireScope('write')
  @ApiOperation({ summary: "A person's consent, opt-outs, policy, quiet hours and patterns opt-in" })
  preferences(@Param('userId') userId: string): PreferencesView {
    return this.people.preferencesOf(userId);
  }

  @Put(':userId/preferences')
  @RequireScope('write')
  @ApiOperation({ summary: "Replaces a person's preferences; an opt-out removes cached and stored presence at once" })
  @ApiBody({ schema: openApiSchema(preferencesBody) })
  setPreferences(@Param('userId') userId: string, @Body(new ZodPipe(preferencesBody)) body: z.output<typeof preferencesBody>): Promise<PreferencesView> {
    return this.people.setPreferences(userId, body as Parameters<PeopleService['setPreferences']>[1]);
  }

  @Delete(':userId')
  @HttpCode(204)
  @RequireScope('write')
  @ApiOperation({ summary: 'Erases everything about the person (links, preferences, snapshot, audit, patterns, cache)' })
  async erase(@Param('userId') userId: string): Promise<void> {
    await this.people.erase(userId);
  }

  @Get(':userId/export')
  @RequireScope('write')
  @ApiOperation({ summary: 'Everything held about the person, as JSON' })
  export(@Param('userId') userId: string) {
    return this.people.export(userId);
  }
}
