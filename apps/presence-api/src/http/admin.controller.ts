import type { PresenceStore } from '@amo/presence-store';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiKeysService, type ApiKeyView } from '../auth/api-keys.service';
import { RequireScope } from '../auth/scopes';
import { ZodPipe } from '../errors/zod.pipe';
import { PRESENCE_STORE } from '../store/store.providers';
import { apiKeyBody, auditQuery, idString, openApiSchema } from './request-schemas';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1')
export class AdminController {
  constructor(
    private readonly keys: ApiKeysService,
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
  ) {}

  @Post('api-keys')
  @RequireScope('admin')
  @ApiOperation({ summary: 'Creates an API key; the key is in this answer only' })
  @ApiBody({ schema: openApiSchema(apiKeyBody), examples: { reader: { value: { name: 'amo-scheduler', scopes: ['read'] } } } })
  create(@Body(new ZodPipe(apiKeyBody)) body: z.output<typeof apiKeyBody>): Promise<{ key: string; apiKey: ApiKeyView }> {
    return this.keys.create(body.name, body.scopes);
  }

  @Get('api-keys')
  @RequireScope('admin')
  @ApiOperation({ summary: 'Lists API keys without their secrets' })
  async list(): Promise<{ apiKeys: ApiKeyView[] }> {
    return { apiKeys: await this.keys.list() };
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  @RequireScope('admin')
  @ApiOperation({ summary: 'Revokes a key at once' })
  async revoke(@Param('id', new ZodPipe(idString('id'), 'path')) id: string): Promise<void> {
    await this.keys.revoke(id);
  }

  @Get('audit')
  @RequireScope('admin')
  @ApiOperation({ summary: 'The change log, newest first, paged (statuses only, no message text)' })
  @ApiQuery({ name: 'userId', required: false })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601 date-time' })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  @ApiQuery({ name: 'cursor', required: false })
  async audit(@Query(new ZodPipe(auditQuery, 'query')) query: z.output<typeof auditQuery>) {
    const page = await this.store.audit.list(query);
    return {
      entries: page.items.map((entry) => ({ ...entry, at: entry.at.toISOString() })),
      nextCursor: page.nextCursor ?? null,
    };
  }
}
