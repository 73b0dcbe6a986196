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
