import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Clock } from '@amo/presence-core';
import { WebSocketServer, type WebSocket } from 'ws';
import { EmulatorBudgets } from './emulator-budget';
import type { EmulatorHandler, EmulatorReply, EmulatorRequest, OverBudgetHandler, RequestMatcher } from './emulator-types';
import { FaultScript } from './fault-script';
import { compilePattern } from './route-match';
import { parseRequestBody } from './request-body';

export interface EmulatorServerOptions {
  /** Accept WebSocket upgrades (handled by `onWebSocket`). */
  websocket?: boolean;
  /** Time for request stamps and budget windows; defaults to Date.now. */
  clock?: Clock;
  /**
   * Keep HTTP connections alive between requests. Off by default: every answer says `Connection: close`, so no
   * pooled socket outlives a test and the contract suite can tell an adapter's leaked socket from fetch's pool.
   */
  keepAlive?: boolean;
}

interface Route {
  method: string;
  match: (path: string) => Record<string, string> | null;
  handler: EmulatorHandler;
}

const defaultOverBudget: OverBudgetHandler = (_req, info) => ({
  status: 429,
  headers: { 'retry-after': String(info.retryAfterSec) },
  json: { error: 'rate_limited', retry_after: info.retryAfterSec },
});

/**
 * A real HTTP (and optionally WebSocket) server on 127.0.0.1 with an ephemeral port: the building block of every
 * platform emulator. Requests are recorded; scripted faults apply first, then emulator-side budgets, then routes.
 */
export class EmulatorServer {
  readonly requests: EmulatorRequest[] = [];
  /**
   * How many of the newest requests `requests` keeps: every one by default, for tests that count them; an emulator
   * that runs for days (sandbox mode, the soak) sets a bound so its log does not grow without end.
   */
  requestLogLimit = Number.POSITIVE_INFINITY;
  faults = new FaultScript();
  private readonly routes: Route[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly pending = new Set<ReturnType<typeof setTimeout>>();
  private readonly budgets: EmulatorBudgets;
  private overBudgetHandler: OverBudgetHandler = defaultOverBudget;
  private wsHandler?: (socket: WebSocket, req: IncomingMessage) => void;
  private closed = false;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer | undefined,
    private readonly clock: Clock,
    private readonly keepAlive: boolean,
  ) {
    this.budgets = new EmulatorBudgets(() => this.clock.now());
  }

  /** Starts listening on 127.0.0.1 with a port the OS picks. */
  static async start(options: EmulatorServerOptions = {}): Promise<EmulatorServer> {
    const server = createServer();
    const wss = options.websocket ? new WebSocketServer({ noServer: true }) : undefined;
    const emulator = new EmulatorServer(server, wss, options.clock ?? { now: () => Date.now() }, options.keepAlive ?? false);
    server.on('request', (req, res) => void emulator.handle(req, res));
    server.on('connection', (socket) => {
      emulator.sockets.add(socket);
      socket.on('close', () => emulator.sockets.delete(socket));
    });
    server.on('upgrade', (req, socket, head) => emulator.upgrade(req, socket as Socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return emulator;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `http://127.0.0.1:PORT` */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `ws://127.0.0.1:PORT` */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Adds a route; `pathPattern` is `/users/:id/presence`, `*` for any segment run, or a RegExp. First match wins. */
  route(method: string, pathPattern: string | RegExp, handler: EmulatorHandler): void {
    this.routes.push({ method: method.toUpperCase(), match: compilePattern(pathPattern), handler });
  }

  onWebSocket(handler: (socket: WebSocket, req: IncomingMessage) => void): void {
    this.wsHandler = handler;
  }

  /** Open WebSocket connections (for pushing events and asserting the adapter closed its own). */
  get webSocketClients(): WebSocket[] {
    return this.wss ? [...this.wss.clients] : [];
  }

  /**
   * An emulator-side limit: more than `limit` matching requests in any `windowMs` get the platform's 429 (shaped by
   * `onOverBudget`) and are counted in `overBudgetCount`. `match` defaults to every request.
   */
  budget(bucket: string, limit: number, windowMs: number, match?: RequestMatcher): void {
    this.budgets.define(bucket, limit, windowMs, match);
  }

  /** Requests refused over budget, for one bucket or all. */
  overBudgetCount(bucket?: string): number {
    return this.budgets.overCount(bucket);
  }

  /** Shapes the platform's 429 for budget refusals and `faults.rateLimitNext`. */
  onOverBudget(handler: OverBudgetHandler): void {
    this.overBudgetHandler = handler;
  }

  /** Requests recorded so far that match a path pattern (and method, if given). */
  requestsTo(pathPattern: string | RegExp, method?: string): EmulatorRequest[] {
    const match = compilePattern(pathPattern);
    return this.requests.filter((r) => match(r.path) !== null && (!method || r.method === method.toUpperCase()));
  }

  /** Forgets recorded requests, scripted faults and budget counts (routes stay). */
  reset(): void {
    this.requests.length = 0;
    this.faults.clear();
    this.budgets.reset();
  }

  /** Open TCP connections the server holds (HTTP and WebSocket). */
  openConnections(): number {
    return this.sockets.size;
  }

  /** Stops listening, cancels delayed answers and destroys every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    for (const client of this.wss?.clients ?? []) client.terminate();
    this.wss?.close();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const recorded = await this.record(req);
    try {
      const reply = await this.dispatch(recorded);
      await this.send(res, reply);
    } catch (error) {
      this.write(res, { status: 500, json: { error: 'emulator_handler_failed', message: String(error) } });
    }
  }

  private async record(req: IncomingMessage): Promise<EmulatorRequest> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const queryAll: Record<string, string[]> = {};
    for (const [key, value] of url.searchParams) (queryAll[key] ??= []).push(value);
    const recorded: EmulatorRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(Object.entries(queryAll).map(([k, v]) => [k, v[0]])),
      queryAll,
      headers: req.headers,
      rawBody,
      text: rawBody.toString('utf8'),
      body: parseRequestBody(req.headers['content-type'], rawBody),
      params: {},
      at: this.clock.now(),
    };
    this.requests.push(recorded);
    if (this.requests.length > this.requestLogLimit) this.requests.splice(0, this.requests.length - this.requestLogLimit);
    return recorded;
  }

  private async dispatch(req: EmulatorRequest): Promise<EmulatorReply> {
    const fault = this.faults.take(req);
    let delayMs = 0;
    if (fault) {
      req.outcome = 'fault';
      if (fault.kind === 'fail') return fault.reply;
      if (fault.kind === 'drop') return { drop: true };
      if (fault.kind === 'malformed') {
        return { status: fault.status, headers: { 'content-type': 'application/json' }, body: '{"ok": tru' };
      }
      if (fault.kind === 'rate-limit') return this.overBudgetHandler(req, { retryAfterSec: fault.retryAfterSec });
      delayMs = fault.ms;
    }
    const refusal = this.budgets.admit(req);
    if (refusal) {
      req.outcome = 'over-budget';
      return this.overBudgetHandler(req, refusal);
    }
    for (const route of this.routes) {
      if (route.method !== req.method && route.method !== '*') continue;
      const params = route.match(req.path);
      if (!params) continue;
      req.params = params;
      req.outcome ??= 'route';
      const reply = await route.handler(req);
      return delayMs ? { ...reply, delayMs: (reply.delayMs ?? 0) + delayMs } : reply;
    }
    req.outcome ??= 'unmatched';
    return { status: 404, json: { error: 'emulator_no_route', method: req.method, path: req.path }, delayMs };
  }

  private async send(res: ServerResponse, reply: EmulatorReply): Promise<void> {
    if (reply.delayMs && reply.delayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.pending.delete(timer);
          resolve();
        }, reply.delayMs);
        this.pending.add(timer);
      });
      if (this.closed) return;
    }
    if (reply.drop) {
      res.socket?.destroy();
      return;
    }
    this.write(res, reply);
  }

  private write(res: ServerResponse, reply: EmulatorReply): void {
    if (res.writableEnded || res.destroyed) return;
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    let body: string | Buffer = reply.body ?? '';
    if (reply.json !== undefined) {
      body = JSON.stringify(reply.json);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json; charset=utf-8';
      }
    }
    if (!this.keepAlive) headers['connection'] = 'close';
    res.writeHead(reply.status ?? 200, headers);
    res.end(body);
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    if (!this.wss || !this.wsHandler) {
      socket.destroy();
      return;
    }
    const handler = this.wsHandler;
    this.wss.handleUpgrade(req, socket, head, (ws) => handler(ws, req));
  }
}
