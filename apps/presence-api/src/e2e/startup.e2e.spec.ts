import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { freePort, tempDir } from './harness.spec-helper';
import { exitWithin, type RunningProcess, runService } from './process.spec-helper';

// Only what finding programs needs: the service reads nothing else from the test's environment.
const BASE = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };

const NEST_CHATTER = /InstanceLoader|RoutesResolver|RouterExplorer|NestFactory|NestApplication|successfully started/;

describe('start-up, as an operator sees it (the service process from its sources)', () => {
  const dir = tempDir('presence-startup-');
  const started: RunningProcess[] = [];
  // A test that fails half-way leaves no service behind (it would keep Jest, and its port, busy).
  const start = (env: Record<string, string>, cwd: string): RunningProcess => {
    const service = runService({ ...BASE, ...env }, cwd);
    started.push(service);
    return service;
  };
  afterAll(() => {
    for (const service of started) if (service.child.exitCode === null) service.child.kill('SIGKILL');
    dir.remove();
  });

  it('a second instance on a taken port says so and exits 1 before it touches the store', async () => {
    const port = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((done) => holder.listen(port, done));
    try {
      const cwd = join(dir.path, 'second');
      const service = start({ PORT: String(port), PRESENCE_DATA_DIR: join(cwd, 'data') }, dir.path);
      // Loading the sources through the TypeScript transpiler takes a while on a busy machine; the check is instant.
      expect(await exitWithin(service, 60_000)).toBe(1);
      expect(service.output()).toContain(`presence-api: port ${port} is in use; set PORT=... to a free port`);
      expect(service.output()).not.toMatch(/Nest|SQLite|restored|EADDRINUSE/);
      // Nothing opened: no database, no generated key files.
      expect(existsSync(join(cwd, 'data'))).toBe(false);
    } finally {
      await new Promise((done) => holder.close(done));
    }
  }, 70_000);

  it('ends with one block (sandbox mode, URLs, the admin key file, docs, log level); Nest chatter is not at log level', async () => {
    const port = await freePort();
    const cwd = join(dir.path, 'text');
    mkdirSync(cwd);
    const service = start({ PORT: String(port) }, cwd);
    try {
      await service.waitFor(/ {2}log level {2}.*\n/, 60_000);
      const output = service.output();
      expect(output).not.toMatch(NEST_CHATTER);
      expect(output).not.toMatch(/WARN \[Service\] SANDBOX/);
      const block = output.slice(output.lastIndexOf('[Service] ready')).split('\n');
      expect(block).toEqual([
        '[Service] ready',
        expect.stringMatching(/^ {2}mode {7}SANDBOX: emulated .*discord.* on loopback with sample people; not real presence$/),
        `  url        http://localhost:${port}   (port ${port})`,
        expect.stringMatching(/^ {2}dashboard {2}(http:\/\/localhost:\d+\/|not built \(npm start builds it\))$/),
        `  admin key  cat data/admin-token   (${join(cwd, 'data', 'admin-token')})`,
        `  docs       http://localhost:${port}/docs   (OpenAPI: http://localhost:${port}/docs-json)`,
        "  log level  log (PRESENCE_LOG_LEVEL=debug adds Nest's module and route lines)",
        '',
      ]);
      expect(existsSync(join(cwd, 'data', 'admin-token'))).toBe(true);

      // Prometheus default metrics carry the prefix once.
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/^presence_process_cpu_user_seconds_total /m);
      expect(metrics).toMatch(/^presence_nodejs_heap_size_total_bytes /m);
      expect(metrics).not.toContain('presence_process_process_');
      expect(metrics).toMatch(/^# TYPE presence_changes_total counter/m);
    } finally {
      service.child.kill('SIGTERM');
    }
    expect(await exitWithin(service, 15_000)).toBe(0);
  }, 90_000);

  it('PRESENCE_LOG_FORMAT=json: one JSON object per line, Nest chatter as debug, the request id on lines written for a request', async () => {
    const port = await freePort();
    const cwd = join(dir.path, 'json');
    const service = start({ PORT: String(port), PRESENCE_DATA_DIR: join(cwd, 'data'), PRESENCE_LOG_FORMAT: 'json', PRESENCE_LOG_LEVEL: 'debug' }, dir.path);
    try {
      await service.waitFor(/"message":"ready\\n/, 60_000);
      // An unsigned Slack event is refused (401) and logged as a warning while its request is handled.
      const answer = await fetch(`http://127.0.0.1:${port}/v1/webhooks/slack`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'e2e-request-42' },
        body: JSON.stringify({ type: 'event_callback' }),
      });
      expect(answer.status).toBe(401);
      await service.waitFor(/"requestId":"e2e-request-42"/, 10_000);

      const lines = service.stdout().split('\n').filter((line) => line.length > 0);
      const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      for (const entry of parsed) {
        expect(Object.keys(entry).slice(0, 2)).toEqual(['time', 'level']);
        expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(['fatal', 'error', 'warn', 'info', 'debug', 'verbose']).toContain(entry.level);
        expect(entry).toHaveProperty('message');
      }
      const routes = parsed.filter((entry) => entry.context === 'RouterExplorer');
      expect(routes.length).toBeGreaterThan(10);
      expect(new Set(routes.map((entry) => entry.level))).toEqual(new Set(['debug']));
      const ready = parsed.find((entry) => String(entry.message).startsWith('ready\n'));
      expect(ready).toMatchObject({ level: 'info', context: 'Service' });
      expect(String(ready?.message)).toContain('  log level  debug');
      const rejected = parsed.find((entry) => entry.requestId === 'e2e-request-42');
      expect(rejected).toMatchObject({ level: 'warn', context: 'Webhooks', message: 'slack: webhook rejected with 401' });
    } finally {
      service.child.kill('SIGTERM');
    }
    expect(await exitWithin(service, 15_000)).toBe(0);
  }, 90_000);
});
