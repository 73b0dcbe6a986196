import type { z } from 'zod';

/** A key's scope; `admin` includes `write`, `write` includes `read`. */
export type Scope = 'read' | 'write' | 'admin';

/** One answer an operation gives: JSON (with its schema), text, HTML or no body. */
export interface ResponseSpec {
  description: string;
  /** The JSON body's schema; absent for a bodiless answer or when `contentType` is text. */
  schema?: z.ZodType;
  /** Default `application/json` when `schema` is set; `json-or-text`: a JSON object or plain text (webhook handshakes and acks). */
  contentType?: 'text/plain' | 'text/html' | 'json-or-text';
}

/** One HTTP operation of the API: what the service answers and what the OpenAPI document says. */
export interface OperationSpec {
  operationId: string;
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI form: `/v1/presence/{userId}`. */
  path: string;
  tag: 'presence' | 'users' | 'platforms' | 'admin' | 'oauth' | 'operations' | 'webhooks';
  summary: string;
  description?: string;
  /** The scope the key needs; null for a public route (the reason is in the description). */
  scope: Scope | null;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; required: boolean; examples?: Record<string, unknown> };
  /** Success answers by status. */
  responses: Record<number, ResponseSpec>;
  /** Error statuses besides the ones every operation of its kind can answer (see `errorStatuses`). */
  errors?: Record<number, string>;
  /** 400 codes this operation gives to a request that satisfies its schema (a refusal by the domain, not invalid input). */
  semantic400?: readonly string[];
}

/** Helper that keeps each operation's literal types. */
export const operation = <T extends OperationSpec>(spec: T): T => spec;

/**
 * Every error status an operation can answer, with a description: its own (`errors`) plus what its kind
 * implies (auth and rate limit for keyed routes; validation, size and media type for bodies; 500 always).
 */
export function errorStatuses(spec: OperationSpec): Record<number, string> {
  const statuses: Record<number, string> = {};
  if (spec.params || spec.query || spec.body || spec.semantic400) {
    statuses[400] = spec.semantic400
      ? `invalid input (\`VALIDATION_FAILED\`, \`MALFORMED_JSON\`), or refused: ${spec.semantic400.map((code) => `\`${code}\``).join(', ')}`
      : 'invalid input (`VALIDATION_FAILED` with `details`, `MALFORMED_JSON`)';
  }
  if (spec.scope !== null) {
    statuses[401] = 'no valid API key (`UNAUTHORIZED`)';
    statuses[403] = `the key lacks the ${spec.scope} scope (\`FORBIDDEN\`)`;
  }
  if (spec.body) {
    statuses[413] = 'the body is over the limit (`PAYLOAD_TOO_LARGE`)';
    statuses[415] = 'a body that is not `Content-Type: application/json` (`UNSUPPORTED_MEDIA_TYPE`)';
  }
  if (spec.scope !== null) statuses[429] = "over the key's rate limit (`RATE_LIMITED`, `Retry-After`)";
  Object.assign(statuses, spec.errors);
  statuses[500] = 'an unexpected failure (`INTERNAL`); the request id is in the log';
  return statuses;
}
