import type { ErrorCode, ErrorResponse } from '@amo/presence-contract';

/**
 * The table of every `error.code` the service answers lives once, in the contract (`ERROR_CODES`, with status
 * and meaning; the README's "Errors" section shows it and a spec keeps them equal). Re-exported here for the app.
 */
export { ERROR_CODE_LIST, ERROR_CODES, type ErrorCode, type ErrorDetail } from '@amo/presence-contract';

/** The code an answer gets when nothing more specific is known: the table's generic code for its status. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 408:
      return 'REQUEST_TIMEOUT';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    case 431:
      return 'HEADERS_TOO_LARGE';
    case 503:
      return 'UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  }
}

/** The body of every error answer: `{error: {code, message, details?, requestId}}`. */
export type ErrorBody = ErrorResponse;
