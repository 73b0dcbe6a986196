import { TimeoutStrategy, timeout } from 'cockatiel';
import type { HttpOutcome } from './http-outcome';
import { closedError } from './timers';

export type QueryValue = string | number | boolean | undefined;

/** Joins a base URL that may carry a path (`https://slack.com/api`) with a request path and query. */
export function buildUrl(baseUrl: string, path: string, query?: Record<string, QueryValue>): string {
  const url = new URL(baseUrl.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, ''));
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.append(key, String(value));
  }
  return url.toString();
}

export interface WireRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * One exchange on the wire, with cockatiel's cooperative timeout: its AbortSignal reaches fetch, and the body is
 * read inside the timed function, so a server that sends headers and then stalls still times out.
 * Never throws for platform behaviour (that is an HttpOutcome); throws only when `closeSignal` aborted.
 */
export async function performRequest(
  fetchFn: typeof fetch,
  request: WireRequest,
  timeoutMs: number,
  closeSignal: AbortSignal,
): Promise<HttpOutcome> {
  const policy = timeout(timeoutMs, TimeoutStrategy.Cooperative);
  return policy.execute(async ({ signal }) => {
    try {
      const response = await fetchFn(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal,
      });
      const text = await response.text();
      return toOutcome(response, text);
    } catch (cause) {
      if (closeSignal.aborted) throw closedError();
      if (signal.aborted) return { kind: 'timeout', timeoutMs };
      return { kind: 'network', cause };
    }
  }, closeSignal);
}

function toOutcome(response: Response, text: string): HttpOutcome {
  const { status, headers } = response;
  const saysJson = /[/+]json\b/i.test(headers.get('content-type') ?? '');
  if (text.trim() === '') return { kind: 'response', status, headers, body: undefined, text };
  try {
    return { kind: 'response', status, headers, body: JSON.parse(text) as unknown, text };
  } catch {
    // Only a body that claimed to be JSON is malformed; HTML error pages and plain text are just not JSON.
    return saysJson ? { kind: 'malformed', status, headers, text } : { kind: 'response', status, headers, body: undefined, text };
  }
}
