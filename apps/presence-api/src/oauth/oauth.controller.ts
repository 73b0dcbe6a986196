import { oauthStartRequest } from '@amo/presence-contract';
import { parsePlatform } from '@amo/presence-core';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { Public, RequireScope } from '../auth/scopes';
import { ZodPipe } from '../errors/zod.pipe';
import { requestIdOf } from '../http/request-id.middleware';
import { OAuthService } from './oauth.service';

const startBody = oauthStartRequest.optional().default({});

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** OAuth connect flows; documented by the contract's OPERATIONS (`startOAuth`, `oauthCallback`). */
@Controller('v1/oauth')
export class OAuthController {
  constructor(private readonly oauth: OAuthService) {}

  @Post(':platform/start')
  @HttpCode(200)
  @RequireScope('admin')
  start(@Param('platform') name: string, @Body(new ZodPipe(startBody)) body: z.output<typeof startBody>) {
    return this.oauth.start(parsePlatform(name), body);
  }

  @Get(':platform/callback')
  @Public('the platform redirects the browser here; the single-use state authenticates it')
  async callback(@Param('platform') name: string, @Query() query: Record<string, unknown>, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const strings: Record<string, string> = {};
    for (const [key, value] of Object.entries(query)) if (typeof value === 'string') strings[key] = value.slice(0, 2048);
    const outcome = await this.oauth.callback(parsePlatform(name), strings, requestIdOf(request, reply));
    reply
      .code(outcome.status)
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(outcome.title)}</title></head>` +
          `<body><h1>${escapeHtml(outcome.title)}</h1><p>${escapeHtml(outcome.detail)}</p></body></html>`,
      );
  }
}
