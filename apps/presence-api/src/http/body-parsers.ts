import express, { type NextFunction, type Request, type Response } from 'express';
import { toErrorAnswer } from '../errors/error-mapping';
import { sendError } from '../errors/error-response';

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Webhook routes keep their RAW body (signatures); every other body must be JSON (415 otherwise, which is what
 * Python's `requests.post(data=json.dumps(...))` meets: it sends no Content-Type), bounded, errors as JSON.
 */
export function bodyParsers(limitBytes: number) {
  const raw = express.raw({ type: () => true, limit: limitBytes });
  const json = express.json({ limit: limitBytes, type: JSON_TYPES });
  return (request: Request, response: Response, next: NextFunction): void => {
    // No body (most reads): nothing to parse, so the parsers (and their content-type parsing) are skipped.
    const length = request.headers['content-length'];
    if (length === undefined && request.headers['transfer-encoding'] === undefined) return next();
    const webhook = request.url.startsWith('/v1/webhooks/');
    if (!webhook && length !== '0' && !request.is(JSON_TYPES)) {
      const sent = request.headers['content-type'];
      const message = sent
        ? `the request body is ${sent}; send JSON with Content-Type: application/json`
        : 'the request body has no Content-Type; send JSON with Content-Type: application/json';
      sendError(request, response, { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message, headers: {} });
      return;
    }
    (webhook ? raw : json)(request, response, (error?: unknown) => {
      if (!error) return next();
      sendError(request, response, toErrorAnswer(error), error);
    });
  };
}
