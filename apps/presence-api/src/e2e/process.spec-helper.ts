import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export const APP_DIR = resolve(__dirname, '..', '..');
export const REPO_ROOT = resolve(APP_DIR, '..', '..');
const REGISTER = join(APP_DIR, 'test', 'ts-register.cjs');
const MAIN = join(APP_DIR, 'src', 'main.ts');

export interface RunningProcess {
  child: ChildProcess;
  /** stdout and stderr as they arrived, interleaved. */
  output(): string;
  stdout(): string;
  exit: Promise<number | null>;
  /** Resolves once the output matches; rejects after `timeoutMs`, or when the output ends first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
}

/** Runs a command with exactly `env` (give it PATH), capturing its output. */
export function runProcess(command: string, args: string[], env: Record<string, string>, cwd: string): RunningProcess {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  const waiters: { pattern: RegExp; done: () => void }[] = [];
  const received = (chunk: Buffer, isStdout: boolean): void => {
    output += String(chunk);
    if (isStdout) stdout += String(chunk);
    for (const waiter of [...waiters]) {
      if (!waiter.pattern.test(output)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.done();
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => received(chunk, true));
  child.stderr?.on('data', (chunk: Buffer) => received(chunk, false));
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  // Output can outlive the process: what it started (npm's grandchildren) may hold its pipes open.
  const closed = new Promise<void>((done) => child.once('close', () => done()));
  return {
    child,
    output: () => output,
    stdout: () => stdout,
    exit,
    waitFor(pattern, timeoutMs) {
      if (pattern.test(output)) return Promise.resolve();
      return new Promise((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${output}`)), timeoutMs);
        waiters.push({ pattern, done: () => (clearTimeout(timer), done()) });
        void closed.then(() => {
          clearTimeout(timer);
          fail(new Error(`output ended (exit ${child.exitCode}) before ${pattern}:\n${output}`));
        });
      });
    },
  };
}

/** The service from its TypeScript sources, as `node dist/main.js` runs it (no build needed). */
export function runService(env: Record<string, string>, cwd: string): RunningProcess {
  return runProcess(process.execPath, ['-r', REGISTER, MAIN], env, cwd);
}

/** Resolves with the exit code, or 'late' after `ms`. */
export function exitWithin(running: RunningProcess, ms: number): Promise<number | null | 'late'> {
  return Promise.race([running.exit, new Promise<'late'>((done) => setTimeout(() => done('late'), ms).unref())]);
}

/** What `ServiceChild.call` answers: the body parsed as JSON when it is JSON, else the text. */
export interface CallResult {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** The admin key every e2e service is started with. */
export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

/**
 * The service as a child process (`runService`) on a fixed port, for tests that kill it or run several: started with
 * the environment `env()` gives at each start (PATH too), ready once `ready` shows in its output (if given) and
 * /health answers 200.
 */
export class ServiceChild {
  private running: RunningProcess | undefined;

  constructor(
    readonly port: number,
    private readonly env: () => Record<string, string>,
    private readonly cwd: string,
    private readonly ready?: RegExp,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.running !== undefined;
  }

  get pid(): number | undefined {
    return this.running?.child.pid;
  }

  async start(timeoutMs = 90_000): Promise<void> {
    const running = runService(this.env(), this.cwd);
    this.running = running;
    const exited = running.exit.then((code) => {
      throw new Error(`the service on ${this.port} exited (${code}) before it was ready:\n${running.output()}`);
    });
    exited.catch(() => undefined);
    if (this.ready) await Promise.race([running.waitFor(this.ready, timeoutMs), exited]);
    const deadline = Date.now() + timeoutMs;
    const healthy = async (): Promise<void> => {
      while ((await fetch(`${this.url}/health`).catch(() => undefined))?.status !== 200) {
        if (Date.now() > deadline) throw new Error(`the service on ${this.port} did not answer /health within ${timeoutMs} ms:\n${running.output()}`);
        await new Promise((done) => setTimeout(done, 100));
      }
    };
    await Promise.race([healthy(), exited]);
  }

  /** kill -9: no shutdown hook runs, nothing is flushed, leases stay until they expire, sockets are reset by the kernel. */
  async kill(): Promise<void> {
    await this.end('SIGKILL');
  }

  /** SIGTERM, and waits for the exit (a clean stop flushes and releases its leases at once). */
  async stop(): Promise<void> {
    await this.end('SIGTERM');
  }

  output(): string {
    return this.running?.output() ?? '';
  }

  /** One request with the admin key (`token` another key, or null for none); a JSON body is sent as JSON. */
  async call(method: string, path: string, options: { body?: unknown; token?: string | null } = {}): Promise<CallResult> {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? ADMIN_TOKEN : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await response.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: response.status, headers: response.headers, body, text };
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    running.child.kill(signal);
    await running.exit;
  }
}
