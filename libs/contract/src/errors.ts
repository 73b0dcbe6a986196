import { z } from 'zod';

/**
 * Every `error.code` the service answers, with its HTTP status and meaning: the one table. HTTP errors use
 * the codes with a status; the stream's `error` messages use the ones without (the connection stays open).
 */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, meaning: 'the request could not be read (bad framing, a bad WebSocket handshake)' },
  MALFORMED_JSON: { status: 400, meaning: 'the body is not valid JSON' },
  MALFORMED_BODY: { status: 400, meaning: 'the body is not what its Content-Encoding (gzip, deflate, br) says' },
  VALIDATION_FAILED: { status: 400, meaning: 'a body field, query or path parameter is invalid; `details` names each' },
  INVALID_INPUT: { status: 400, meaning: 'the input passed the schema but the domain refused it' },
  UNSUPPORTED: { status: 400, meaning: 'no adapter or flow for that platform' },
  UNAUTHORIZED: { status: 401, meaning: 'no, unknown or revoked API key' },
  AUTH_INVALID: { status: 401, meaning: 'the platform refused the credentials' },
  FORBIDDEN: { status: 403, meaning: 'the API key lacks the scope, or a webhook signature is wrong' },
  PERMISSION_DENIED: { status: 403, meaning: 'the platform refused the permission' },
  NOT_FOUND: { status: 404, meaning: 'no such route, person, key or connected platform' },
  METHOD_NOT_ALLOWED: { status: 405, meaning: 'the path exists for other methods, listed in `Allow`' },
  REQUEST_TIMEOUT: { status: 408, meaning: 'the headers or the body took longer than the server waits' },
  CONFLICT: { status: 409, meaning: 'an account already belongs to another person (batch: one detail per person)' },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'the body is over the limit (512 KB by default)' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'a body that is not `Content-Type: application/json`, or an unknown Content-Encoding' },
  RATE_LIMITED: { status: 429, meaning: "over the key's rate limit, too many failed keys from one address, or the platform's; see `Retry-After`" },
  HEADERS_TOO_LARGE: { status: 431, meaning: "the request headers are over Node's limit (16 KB)" },
  INTERNAL: { status: 500, meaning: 'an unexpected failure; logged with the request id' },
  TRANSIENT: { status: 503, meaning: 'the platform is unavailable or timed out' },
  PROTOCOL: { status: 503, meaning: 'the platform answered something it should not' },
  UNAVAILABLE: { status: 503, meaning: 'the service cannot answer now' },
  INVALID_FRAME: { status: undefined, meaning: 'stream: the frame is not JSON, binary, an unknown type or over a limit' },
  TOO_MANY_SUBSCRIPTIONS: { status: undefined, meaning: 'stream: more than 10,000 people on one connection' },
} as const satisfies Record<string, { status: number | undefined; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes, in table order. */
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/** One problem with the input: where (`body.people.1.userId`, `query.limit`) and what. */
export const errorDetail = z.object({
  path: z.string().meta({ examples: ['body.userIds.0'] }),
  message: z.string(),
});

/** The body of every error answer: `{error: {code, message, details?, requestId}}`. */
export const errorResponse = z.object({
  error: z.object({
    code: z.enum(ERROR_CODE_LIST).meta({ description: 'see the table of codes in the API description' }),
    message: z.string().meta({ description: 'for humans; never a secret' }),
    details: z.array(errorDetail).optional().meta({ description: 'one entry per bad field (400) or failing person (409)' }),
    requestId: z.string().meta({ description: 'the X-Request-Id of the request, also in the service log' }),
  }),
});

export type ErrorDetail = z.output<typeof errorDetail>;
export type ErrorResponse = z.output<typeof errorResponse>;

/** The table of codes as Markdown, for the API description. */
export function errorCodeTable(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, { status, meaning }]) => `| ${status ?? 'stream'} | \`${code}\` | ${meaning} |`);
  return ['| Status | Code | Meaning |', '|---|---|---|', ...rows].join('\n');
}
