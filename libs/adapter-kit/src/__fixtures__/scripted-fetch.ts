/**
 * A fetch at the network edge for fake-time tests: each call takes the next scripted answer. Real-socket behaviour is
 * covered against EmulatorServer in the integration specs; this only lets jest's fake clock drive the schedule.
 */
export type Scripted = Response | Error | 'hang' | (() => Response);

export interface ScriptedFetch {
  fetch: typeof fetch;
  calls: Array<{ url: string; init: RequestInit; at: number }>;
}

export function scriptedFetch(script: Scripted[], fallback?: () => Response): ScriptedFetch {
  const calls: ScriptedFetch['calls'] = [];
  const fetchFn = (async (input: string | URL | Request, init: RequestInit = {}) => {
    calls.push({ url: String(input), init, at: Date.now() });
    const next = script.length > 0 ? script.shift() : fallback?.();
    if (next === undefined) throw new Error('script exhausted');
    if (next === 'hang') {
      return new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    }
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next() : next;
  }) as typeof fetch;
  return { fetch: fetchFn, calls };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}
