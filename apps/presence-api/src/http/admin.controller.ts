import { apiKeyIdPath, apiKeyRequest, type ApiKeyCreated, type ApiKeysResponse, type AuditPage, auditQuery } from '@amo/presence-contract';
import type { PresenceStore } from '@amo/presence-store';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import type { z } from 'zod';
import { ApiKeysService } from '../auth/api-keys.service';
import { RequireScope } from '../auth/scopes';
import { ZodPipe } from '../errors/zod.pipe';
import { PRESENCE_STORE } from '../store/store.providers';

/** API keys and the audit log. Documented by the contract's OPERATIONS. */
@Controller('v1')
export class AdminController {
  constructor(
    private readonly keys: ApiKeysService,
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
  ) {}

  @Post('api-keys')
  @RequireScope('admin')
  create(@Body(new ZodPipe(apiKeyRequest)) body: z.output<typeof apiKeyRequest>): Promise<ApiKeyCreated> {
    return this.keys.create(body.name, body.scopes);
  }

  @Get('api-keys')
  @RequireScope('admin')
  async list(): Promise<ApiKeysResponse> {
    return { apiKeys: await this.keys.list() };
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  @RequireScope('admin')
  async revoke(@Param(new ZodPipe(apiKeyIdPath, 'path')) { id }: z.output<typeof apiKeyIdPath>): Promise<void> {
    await this.keys.revoke(id);
  }

  @Get('audit')
  @RequireScope('admin')
  async audit(@Query(new ZodPipe(auditQuery, 'query')) query: z.output<typeof auditQuery>): Promise<AuditPage> {
    const page = await this.store.audit.list(query);
    return {
      entries: page.items.map((entry) => ({ ...entry, at: entry.at.toISOString() })),
      nextCursor: page.nextCursor ?? null,
    };
  }
}
