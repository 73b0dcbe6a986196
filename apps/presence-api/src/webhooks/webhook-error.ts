import type { WebhookReply } from '@amo/presence-core';
import { STATUS_CODES } from 'node:http';
import { codeForStatus } from '../errors/error-codes';
import type { ErrorAnswer } from '../errors/error-mapping';

/** The reason an adapter gave, whatever its shape: text, `{error: "..."}`, `{error: {message}}`, `{message}`. */
function reasonOf(body: unknown, status: number): string {
  if (typeof body === 'string' && body.trim() !== '') return body.trim().slice(0, 500);
  if (Buffer.isBuffer(body) && body.length > 0) return body.toString('utf8').trim().slice(0, 500);
  if (body !== null && typeof body === 'object') {
    const { error, message } = body as { error?: unknown; message?: unknown };
    if (typeof error === 'string') return error;
    if (error !== null && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
    if (typeof message === 'string') return message;
  }
  return STATUS_CODES[status] ?? 'webhook refused';
}

/**
 * A webhook receiver's refusal (4xx/5xx) in the service's one error shape, whatever the adapter answered
 * (`text/plain`, `{error: "missing X-LI-Signature"}`, Graph's `{error: {code: "MethodNotAllowed"}}`); a 405
 * names the methods the platform's receiver takes in `Allow`.
 */
export function webhookErrorAnswer(reply: WebhookReply, allow: readonly string[]): ErrorAnswer {
  const headers: Record<string, string> = reply.status === 405 && allow.length > 0 ? { Allow: allow.join(', ') } : {};
  return { status: reply.status, code: codeForStatus(reply.status), message: reasonOf(reply.body, reply.status), headers };
}
