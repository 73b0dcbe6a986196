import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { toErrorAnswer } from './error-mapping';

/** Every HTTP error leaves the service as `{error: {code, message}}` with the status the mapping chose. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const response = host.switchToHttp().getResponse<Response>();
    const answer = toErrorAnswer(exception);
    if (answer.unexpected) this.logger.error((exception as Error)?.stack ?? String(exception));
    if (response.headersSent) return;
    response.status(answer.status).set(answer.headers).json({ error: { code: answer.code, message: answer.message } });
  }
}
