import type { Platform, WebhookDelivery } from '@amo/presence-core';
import { Controller, Get, Logger, Post, Req, Res, type Type } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/scopes';
import { sendError } from '../errors/error-response';
import { requestIdOf } from '../http/request-id.middleware';
import { RequestMessage } from '../logging/service-logger';
import type { PlatformRegistry } from '../platforms/platform-registry';
import { webhookErrorAnswer } from './webhook-error';
import { WebhooksService } from './webhooks.service';

const logger = new Logger('Webhooks');
const SIGNED = 'platforms sign their deliveries; the handler checks the signature on the raw body instead of an API key';

/** Express's rule for a Content-Type it was given: text and JSON answers say their charset (UTF-8). */
function contentType(type: string): string {
  return /;\s*charset=/i.test(type) || !(type.startsWith('text/') || type.includes('json')) ? type : `${type}; charset=utf-8`;
}

function delivery(request: FastifyRequest, method: 'GET' | 'POST'): WebhookDelivery {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.query as Record<string, unknown>)) if (typeof value === 'string') query[name] = value;
  const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  return { method, headers, query, rawBody };
}

/**
 * The one webhook controller's shared part: answer the platform as the adapter's handler said, and a refusal
 * in the service's error shape.
 */
class WebhookReceiver {
  constructor(private readonly webhooks: WebhooksService) {}

  async deliver(platform: Platform, method: 'GET' | 'POST', request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // In cluster mode the answer waits for the delivery's claim on Redis (applied once across instances).
    const answer = await this.webhooks.handle(platform, delivery(request, method));
    // Forged or unsigned deliveries are worth a warning; "not connected yet" (sandbox start-up) is not.
    if (answer.status === 401 || answer.status === 403) logger.warn(new RequestMessage(`${platform}: webhook rejected with ${answer.status}`, requestIdOf(request, reply)));
    else if (answer.status >= 400) logger.debug(new RequestMessage(`${platform}: webhook answered ${answer.status}`, requestIdOf(request, reply)));
    if (answer.status >= 400) {
      // The other methods this platform's receiver takes (Graph's GET refusal: POST).
      sendError(request, reply, webhookErrorAnswer(answer, this.webhooks.methods(platform).filter((m) => m !== method)));
      return;
    }
    reply.code(answer.status);
    if (typeof answer.body === 'string' || Buffer.isBuffer(answer.body)) {
      reply.header('Content-Type', contentType(answer.contentType ?? 'text/plain')).send(answer.body);
    } else if (answer.body === undefined || answer.body === null) {
      reply.send();
    } else {
      reply.header('Content-Type', contentType(answer.contentType ?? 'application/json')).send(JSON.stringify(answer.body));
    }
  }
}

/**
 * Inbound webhooks (CONTRACT paths): one controller whose routes come from the registry, `GET`/`POST
 * /v1/webhooks/<platform>` for each route a descriptor declares, each `@Public` (the signature is the check).
 * Documented by the contract's `webhookOperation` from the same routes.
 */
export function webhooksController(registry: PlatformRegistry): Type<unknown> {
  @Controller('v1/webhooks')
  class WebhooksController extends WebhookReceiver {
    constructor(webhooks: WebhooksService) {
      super(webhooks);
    }
  }
  for (const descriptor of registry) {
    for (const route of descriptor.webhooks) {
      const name = `${route.method.toLowerCase()}_${descriptor.platform}`;
      const handler = function (this: WebhooksController, request: FastifyRequest, reply: FastifyReply): Promise<void> {
        return this.deliver(descriptor.platform, route.method, request, reply);
      };
      Object.defineProperty(WebhooksController.prototype, name, { value: handler, writable: true, configurable: true });
      const property = Object.getOwnPropertyDescriptor(WebhooksController.prototype, name) as PropertyDescriptor;
      Req()(WebhooksController.prototype, name, 0);
      Res()(WebhooksController.prototype, name, 1);
      for (const decorate of [(route.method === 'GET' ? Get : Post)(descriptor.platform), Public(SIGNED)]) {
        decorate(WebhooksController.prototype, name, property);
      }
    }
  }
  return WebhooksController;
}
