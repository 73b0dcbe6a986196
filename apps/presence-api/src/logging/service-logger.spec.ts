import { RequestMessage, ServiceLogger } from './service-logger';

function jsonLogger(level: 'log' | 'debug') {
  const lines: Record<string, unknown>[] = [];
  const logger = new ServiceLogger({
    level,
    format: 'json',
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    now: () => new Date('2026-11-26T07:00:00.000Z'),
  });
  return { logger, lines };
}

describe('ServiceLogger', () => {
  it('writes one JSON object per line: time, level, context, message, and the request id of a message about a request', () => {
    const { logger, lines } = jsonLogger('log');
    logger.log('slack: connected (env)', 'Platforms');
    logger.warn(new RequestMessage('slack: webhook rejected with 401', 'req-7'), 'Webhooks');
    expect(lines).toEqual([
      { time: '2026-11-26T07:00:00.000Z', level: 'info', context: 'Platforms', message: 'slack: connected (env)' },
      { time: '2026-11-26T07:00:00.000Z', level: 'warn', context: 'Webhooks', message: 'slack: webhook rejected with 401', requestId: 'req-7' },
    ]);
  });

  it('keeps an error\'s stack, whether Nest passes it as a string or the message is an Error', () => {
    const { logger, lines } = jsonLogger('log');
    logger.error('boom', 'Error: boom\n    at handler (file.ts:1:2)', 'Errors');
    logger.error(new Error('bang'), 'Errors');
    expect(lines[0]).toMatchObject({ level: 'error', context: 'Errors', message: 'boom', stack: 'Error: boom\n    at handler (file.ts:1:2)' });
    expect(lines[1]).toMatchObject({ level: 'error', context: 'Errors', message: 'bang' });
    expect(lines[1].stack).toMatch(/^Error: bang\n\s+at /);
    expect(lines[0]).not.toHaveProperty('requestId');
  });

  it("puts Nest's module, route and start lines at debug: hidden at log, shown as debug at debug", () => {
    const nest: [string, string][] = [
      ['AppModule dependencies initialized', 'InstanceLoader'],
      ['PresenceController {/v1/presence}:', 'RoutesResolver'],
      ['Mapped {/v1/presence/:userId, GET} route', 'RouterExplorer'],
      ['Starting Nest application...', 'NestFactory'],
      ['Nest application successfully started', 'NestApplication'],
    ];
    const quiet = jsonLogger('log');
    for (const [message, context] of nest) quiet.logger.log(message, context);
    quiet.logger.log('ready', 'Service');
    expect(quiet.lines.map((line) => line.message)).toEqual(['ready']);

    const verbose = jsonLogger('debug');
    for (const [message, context] of nest) verbose.logger.log(message, context);
    expect(verbose.lines.map((line) => line.level)).toEqual(['debug', 'debug', 'debug', 'debug', 'debug']);
  });

  it('honours the level: debug lines are dropped at log', () => {
    const { logger, lines } = jsonLogger('log');
    logger.debug('detail', 'Service');
    logger.verbose('more detail', 'Service');
    expect(lines).toEqual([]);
  });

  it('writes text through Nest\'s console format, with the request id after the message', () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const logger = new ServiceLogger({ level: 'log', format: 'text', colors: false });
      logger.log(new RequestMessage('hello', 'req-9'), 'Service');
      logger.log('Mapped {/x, GET} route', 'RouterExplorer');
    } finally {
      spy.mockRestore();
    }
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\[Nest\] \d+ {2}- .+ {5}LOG \[Service\] hello \[request req-9\]\n$/);
  });
});
