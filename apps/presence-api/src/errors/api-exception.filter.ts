import { type ArgumentsHost, Catch, type ExceptionFilter, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { allowedMethods } from './allowed-methods';
import { type ErrorAnswer, toErrorAnswer } from './error-mapping';
import { pathOf, sendError } from './error-response';

/**
 * Every HTTP error leaves the service as `{error: {code, message, details?, requestId}}` with the status the
 * mapping chose; a path that exists for other methods is 405 with `Allow`, not 404; every 5xx is logged.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    let answer: ErrorAnswer = toErrorAnswer(exception);
    // Nest's not-found handler runs when no route matched; another method may still own the path.
    if (exception instanceof NotFoundException && request.is404) {
      const allow = allowedMethods(request.server, request.url);
      // Its own method among them: a route matched and passed the request on (an empty path parameter).
      if (allow.length > 0 && !allow.includes(request.method)) {
        answer = {
          status: 405,
          code: 'METHOD_NOT_ALLOWED',
          message: `${request.method} is not allowed on ${pathOf(request.url)}; allowed: ${allow.join(', ')}`,
          headers: { Allow: allow.join(', ') },
        };
      }
    }
    sendError(request, reply, answer, exception);
  }
}
