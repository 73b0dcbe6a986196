import type { IncomingHttpHeaders } from 'node:http';

/** One request as the emulator received it (recorded in `EmulatorServer.requests`). */
export interface EmulatorRequest {
  method: string;
  /** The path without the query string, e.g. `/api/users.getPresence`. */
  path: string;
  /** First value of each query parameter. */
  query: Record<string, string>;
  /** Every value of each query parameter, for repeated keys. */
  queryAll: Record<string, string[]>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON or form body; undefined when empty or unparseable. */
  body: unknown;
  rawBody: Buffer;
  text: string;
  /** Named segments of the matched route (`/users/:id/presence` -> `{ id }`), or regex groups. */
  params: Record<string, string>;
  /** Arrival time on the emulator's clock (epoch ms). */
  at: number;
  /** What happened to it: answered by a route, by a fault, refused over budget, or unmatched (404). */
  outcome?: 'route' | 'fault' | 'over-budget' | 'unmatched';
}

/** What a route (or a fault) answers. `json` wins over `body`. */
export interface EmulatorReply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string | Buffer;
  /** Answer only after this many ms (slow platform). */
  delayMs?: number;
  /** Destroy the socket instead of answering (connection reset). */
  drop?: boolean;
}

export type EmulatorHandler = (req: EmulatorRequest) => EmulatorReply | Promise<EmulatorReply>;

/** Which requests a fault or a budget applies to: all, a path pattern, or a predicate. */
export type RequestMatcher = string | RegExp | ((req: EmulatorRequest) => boolean);

/** Builds the platform's own 429 for budget refusals and `rateLimitNext`. */
export type OverBudgetHandler = (req: EmulatorRequest, info: { bucket?: string; retryAfterSec: number }) => EmulatorReply;
