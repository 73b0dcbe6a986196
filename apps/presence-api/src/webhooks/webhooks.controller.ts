import type { Platform } from '@amo/presence-core';
import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/scopes';
import type { WebhookInput } from '../platforms/platform-wiring';
import { WebhooksService } from './webhooks.service';

const SIGNED = 'platforms sign their deliveries; the handler checks the signature on the raw body instead of an API key';

function input(request: Request, method: 'GET' | 'POST'): WebhookInput {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.query)) if (typeof value === 'string') query[name] = value;
  const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  return { method, headers, query, rawBody };
}

/** Inbound webhooks (CONTRACT paths). Thin: the service and the adapters' handlers do the work. */
@ApiTags('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('slack')
  @Public(SIGNED)
  @ApiOperation({ summary: 'Slack Events API (X-Slack-Signature; answers url_verification)' })
  slack(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.deliver('slack', 'POST', request, response);
  }

  @Get('teams')
  @Public(SIGNED)
  @ApiOperation({ summary: 'Graph subscription validation (validationToken)' })
  teamsHandshake(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.deliver('teams', 'GET', request, response);
  }

  @Post('teams')
  @Public(SIGNED)
  @ApiOperation({ summary: 'Graph change notifications (validationToken, clientState)' })
  teams(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.deliver('teams', 'POST', request, response);
  }

  @Post('zoom')
  @Public(SIGNED)
  @ApiOperation({ summary: 'Zoom user.presence_status_updated (x-zm-signature; answers endpoint.url_validation)' })
  zoom(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.deliver('zoom', 'POST', request, response);
  }

  @Get('whatsapp')
  @Public(SIGNED)
  @ApiOperation({ summary: 'WhatsApp webhook verification (hub.verify_token, hub.challenge)' })
  whatsappVerify(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.deliver('whatsapp', 'GET', request, response);
  }

  @Post('whatsapp')
  @Public(SIGNED)
  @ApiOperation({ summary: 'WhatsApp Cloud API deliveries (X-Hub-Signature-256)' })
  whatsapp(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.deliver('whatsapp', 'POST', request, response);
  }

  @Get('linkedin')
  @Public(SIGNED)
  @ApiOperation({ summary: 'LinkedIn webhook validation (challengeCode)' })
  linkedinChallenge(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.deliver('linkedin', 'GET', request, response);
  }

  @Post('linkedin')
  @Public(SIGNED)
  @ApiOperation({ summary: 'LinkedIn organization social actions (X-LI-Signature)' })
  linkedin(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.deliver('linkedin', 'POST', request, response);
  }

  private async deliver(platform: Platform, method: 'GET' | 'POST', request: Request, response: Response): Promise<void> {
    const output = await this.webhooks.handle(platform, input(request, method));
    response.status(output.status);
    if (typeof output.body === 'string' || Buffer.isBuffer(output.body)) {
      response.type(output.contentType ?? 'text/plain').send(output.body);
    } else if (output.body === undefined || output.body === null) {
      response.end();
    } else {
      response.type(output.contentType ?? 'application/json').send(JSON.stringify(output.body));
    }
    this.webhooks.process(platform, output);
  }
}
