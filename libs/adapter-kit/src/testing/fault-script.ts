import type { EmulatorReply, EmulatorRequest, RequestMatcher } from './emulator-types';
import { matches } from './route-match';

type FaultKind =
  | { kind: 'fail'; reply: EmulatorReply }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' }
  | { kind: 'malformed'; status: number }
  | { kind: 'rate-limit'; retryAfterSec: number };

interface Fault {
  remaining: number;
  match?: RequestMatcher;
  fault: FaultKind;
}

/** What the server should do with one request when a fault applies. */
export type FaultAction = FaultKind;

/**
 * Scripted misbehaviour, consumed first-in first-out, applied before budgets and routes. Each call scripts the
 * next `n` matching requests (`Infinity` until `clear()`); `match` narrows it to a path pattern or predicate.
 */
export class FaultScript {
  private readonly queue: Fault[] = [];

  /** Answer with this reply instead of the route (a 401, a 500 burst, a platform-shaped error). */
  failNext(n: number, reply: EmulatorReply, match?: RequestMatcher): this {
    return this.push(n, { kind: 'fail', reply }, match);
  }

  /** Let the route answer, but only after `ms` (slow platform, client timeouts). */
  delayNext(n: number, ms: number, match?: RequestMatcher): this {
    return this.push(n, { kind: 'delay', ms }, match);
  }

  /** Destroy the socket without answering (ECONNRESET / "other side closed"). */
  dropNext(n: number, match?: RequestMatcher): this {
    return this.push(n, { kind: 'drop' }, match);
  }

  /** Answer `status` (default 200) with `Content-Type: application/json` and a body that does not parse. */
  malformedNext(n: number, match?: RequestMatcher, status = 200): this {
    return this.push(n, { kind: 'malformed', status }, match);
  }

  /** Answer the platform's 429 (the server's `onOverBudget` shape) with `Retry-After: retryAfterSec`. */
  rateLimitNext(n: number, retryAfterSec: number, match?: RequestMatcher): this {
    return this.push(n, { kind: 'rate-limit', retryAfterSec }, match);
  }

  /** Forget every scripted fault: the platform recovers. */
  clear(): void {
    this.queue.length = 0;
  }

  /** How many scripted faults are still waiting to fire (Infinity for open-ended ones). */
  pending(): number {
    return this.queue.reduce((sum, fault) => sum + fault.remaining, 0);
  }

  /** Consumes and returns the fault for this request, if one applies. */
  take(req: EmulatorRequest): FaultAction | undefined {
    const index = this.queue.findIndex((fault) => fault.match === undefined || matches(fault.match, req));
    if (index < 0) return undefined;
    const fault = this.queue[index];
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.queue.splice(index, 1);
    return fault.fault;
  }

  private push(n: number, fault: FaultKind, match?: RequestMatcher): this {
    if (n > 0) this.queue.push({ remaining: n, match, fault });
    return this;
  }
}
