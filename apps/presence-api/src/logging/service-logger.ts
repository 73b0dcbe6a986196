import { ConsoleLogger, type LoggerService, type LogLevel } from '@nestjs/common';
import { inspect } from 'node:util';
import type { AppConfig } from '../config/app-config';

const ALL_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** PRESENCE_LOG_LEVEL and what it lets through. */
export const ENABLED_LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  error: ['error', 'fatal'],
  warn: ['error', 'fatal', 'warn'],
  log: ['error', 'fatal', 'warn', 'log'],
  debug: ['error', 'fatal', 'warn', 'log', 'debug'],
  verbose: ALL_LEVELS,
};

/** Nest's start-up chatter (a line per module, controller, route and gateway message): debug, not log. */
export const FRAMEWORK_CONTEXTS: ReadonlySet<string> = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
  'WebSocketsController',
]);

/** The level names log shippers expect (`info`, not Nest's `log`). */
const JSON_LEVEL: Record<LogLevel, string> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'verbose' };

const STACK = /\n\s+at .+/;

export interface ServiceLoggerOptions {
  level: AppConfig['logLevel'];
  format: AppConfig['logFormat'];
  /** JSON lines go here (default: stdout). */
  write?: (line: string) => void;
  /** Text only; default: when stdout is a terminal. */
  colors?: boolean;
  now?: () => Date;
}

/**
 * A message about one request, naming it: JSON lines carry its id as `requestId`, text lines end with
 * `[request <id>]`. Pass it to any Nest `Logger` method in place of the message text.
 */
export class RequestMessage {
  constructor(
    readonly text: string,
    readonly requestId: string,
  ) {}
}

/** Nest passes `(message, context)`, or `(message, stack, context)` for errors. */
function contextAndStack(level: LogLevel, params: readonly unknown[]): { context?: string; stack?: string } {
  const last = params.at(-1);
  const context = typeof last === 'string' && !(params.length === 1 && STACK.test(last)) ? last : undefined;
  if (level !== 'error' && level !== 'fatal') return { context };
  const first = params[0];
  const stack = typeof first === 'string' && first !== context ? first : undefined;
  return { context, stack };
}

function messageOf(message: unknown): { text: unknown; stack?: string } {
  if (message instanceof Error) return { text: message.message, stack: message.stack };
  if (typeof message === 'string' || message === null || typeof message !== 'object') return { text: message };
  try {
    return { text: JSON.parse(JSON.stringify(message)) as unknown };
  } catch {
    return { text: inspect(message) };
  }
}

/**
 * The service's one logger (Nest's and ours): text for people, JSON lines for machines (`time`, `level`,
 * `context`, `message`, `requestId` for a {@link RequestMessage}, `stack` for errors). Nest's module and route
 * lines are demoted to debug so the start-up output is what an operator needs.
 */
export class ServiceLogger implements LoggerService {
  private enabled: Set<LogLevel>;
  private readonly console?: ConsoleLogger;

  constructor(private readonly options: ServiceLoggerOptions) {
    this.enabled = new Set(ENABLED_LEVELS[options.level]);
    if (options.format === 'text') {
      this.console = new ConsoleLogger({ logLevels: ALL_LEVELS, colors: options.colors ?? process.stdout.isTTY === true });
    }
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  setLogLevels(levels: LogLevel[]): void {
    this.enabled = new Set(levels);
  }

  private write(level: LogLevel, message: unknown, params: readonly unknown[]): void {
    const { context, stack } = contextAndStack(level, params);
    const effective: LogLevel = level === 'log' && context !== undefined && FRAMEWORK_CONTEXTS.has(context) ? 'debug' : level;
    if (!this.enabled.has(effective)) return;
    let requestId: string | undefined;
    if (message instanceof RequestMessage) {
      requestId = message.requestId;
      message = message.text;
    }
    if (this.console) {
      const text = requestId !== undefined && typeof message === 'string' ? `${message} [request ${requestId}]` : message;
      const rest = [...(stack !== undefined ? [stack] : []), ...(context !== undefined ? [context] : [])];
      this.console[effective](text, ...rest);
      return;
    }
    const { text, stack: errorStack } = messageOf(message);
    const line: Record<string, unknown> = { time: (this.options.now?.() ?? new Date()).toISOString(), level: JSON_LEVEL[effective] };
    if (context !== undefined) line.context = context;
    line.message = text;
    if (requestId !== undefined) line.requestId = requestId;
    if (stack ?? errorStack) line.stack = stack ?? errorStack;
    const json = JSON.stringify(line);
    if (this.options.write) this.options.write(json);
    else process.stdout.write(`${json}\n`);
  }
}
