/** One HTTP call an adapter made: what, how long, and the status it got (0: no answer). */
export interface CallRecord {
  method: string;
  /** Host and path only: a query string can carry ids or grant parameters, so it is never kept. */
  endpoint: string;
  status: number;
  ms: number;
}

/** Per endpoint: how many calls, their statuses, the median and slowest latency. */
export interface CallSummary {
  endpoint: string;
  calls: number;
  statuses: string;
  medianMs: number;
  maxMs: number;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function endpointOf(input: string | URL | Request): string {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  return `${url.host}${url.pathname}`;
}

/**
 * Wraps fetch so every call an adapter makes is timed (headers received; the body is the adapter's to read). The
 * adapters take fetch as a dependency, so this sees their real calls, retries included.
 */
export class CallLog {
  readonly calls: CallRecord[] = [];

  constructor(
    private readonly inner: typeof fetch = (input, init) => globalThis.fetch(input, init),
    private readonly now: () => number = () => performance.now(),
  ) {}

  readonly fetch: typeof fetch = async (input, init) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const endpoint = endpointOf(input);
    const started = this.now();
    try {
      const response = await this.inner(input, init);
      this.calls.push({ method, endpoint, status: response.status, ms: this.now() - started });
      return response;
    } catch (error) {
      this.calls.push({ method, endpoint, status: 0, ms: this.now() - started });
      throw error;
    }
  };

  /** Calls grouped by endpoint; a path segment that is one of `ids` becomes `{id}`, so per-user calls group. */
  summary(ids: readonly string[] = []): CallSummary[] {
    const known = new Set(ids);
    const template = (endpoint: string): string =>
      endpoint
        .split('/')
        .map((segment) => (known.has(safeDecode(segment)) ? '{id}' : segment))
        .join('/');
    const groups = new Map<string, CallRecord[]>();
    for (const call of this.calls) {
      const key = `${call.method} ${template(call.endpoint)}`;
      groups.set(key, [...(groups.get(key) ?? []), call]);
    }
    return [...groups].map(([endpoint, calls]) => {
      const sorted = calls.map((call) => call.ms).sort((a, b) => a - b);
      const statuses = new Map<number, number>();
      for (const call of calls) statuses.set(call.status, (statuses.get(call.status) ?? 0) + 1);
      return {
        endpoint,
        calls: calls.length,
        statuses: [...statuses].map(([status, n]) => `${status === 0 ? 'no answer' : status}${n > 1 ? ` x${n}` : ''}`).join(', '),
        medianMs: sorted[Math.floor((sorted.length - 1) / 2)],
        maxMs: sorted[sorted.length - 1],
      };
    });
  }
}
