import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, tempDir } from './harness.spec-helper';
import { exitWithin, REPO_ROOT, type RunningProcess, runProcess } from './process.spec-helper';

// Only what finding programs needs: the service reads nothing else from the test's environment.
const BASE = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };

const START = join(REPO_ROOT, 'tools', 'scripts', 'start.mjs');
// Checking the environment takes seconds; the build reuses nx's cache when the sources did not change, and
// takes a minute on two busy cores when they did.
const READY_MS = 300_000;

/** True once nothing answers on the port any more. */
async function refused(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/health`);
    return false;
  } catch {
    return true;
  }
}

describe('npm start, as a process manager runs it', () => {
  const dir = tempDir('presence-npm-start-');
  const envFile = join(dir.path, 'test.env');
  // The file says PORT=1 and JSON logs; the real environment gives the port, and wins.
  writeFileSync(envFile, '# as .env would\nPORT=1\nPRESENCE_LOG_FORMAT=json\nPRESENCE_LOG_LEVEL="log"\n');
  const running: RunningProcess[] = [];
  afterAll(() => {
    for (const process of running) process.child.kill('SIGKILL');
    dir.remove();
  });

  const environment = (port: number, name: string): Record<string, string> => ({
    ...BASE,
    PORT: String(port),
    PRESENCE_DATA_DIR: join(dir.path, name),
    NX_DAEMON: 'false',
    npm_config_update_notifier: 'false',
  });

  it('reports configuration errors before building, one line per variable, and exits 1', async () => {
    const start = runProcess(process.execPath, [START, `--dotenv=${envFile}`], { ...BASE, PRESENCE_RATE_LIMIT: 'lots', PRESENCE_CORS_ORIGINS: 'example.com' }, REPO_ROOT);
    running.push(start);
    expect(await exitWithin(start, 30_000)).toBe(1);
    expect(start.output()).toContain('presence-api: invalid configuration:\n');
    expect(start.output()).toContain('  - PRESENCE_RATE_LIMIT must be a whole number (got "lots")');
    expect(start.output()).toContain('  - PRESENCE_CORS_ORIGINS must be * or a comma-separated list of origins');
    expect(start.output()).not.toMatch(/nx run|tsc -b|Successfully ran/);
  }, 40_000);

  it('node tools/scripts/start.mjs: reads the env file (the real environment wins), and SIGTERM runs the graceful shutdown and exits 0', async () => {
    const port = await freePort();
    const start = runProcess(process.execPath, [START, `--dotenv=${envFile}`], environment(port, 'direct'), REPO_ROOT);
    running.push(start);
    await start.waitFor(/"message":"ready\\n/, READY_MS);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const ready = start.stdout().split('\n').find((line) => line.includes('"message":"ready\\n'));
    expect(JSON.parse(ready ?? '{}')).toMatchObject({ level: 'info', context: 'Service' });

    start.child.kill('SIGTERM');
    expect(await exitWithin(start, 15_000)).toBe(0);
    expect(start.output()).toMatch(/"message":"SIGTERM: stopping/);
    expect(start.output()).toContain('npm start: the service exited with 0');
    expect(await refused(port)).toBe(true);
  }, READY_MS + 30_000);

  it('npm start: the script execs start.mjs, so npm hands SIGTERM to it, the service stops cleanly and npm exits 0', async () => {
    const port = await freePort();
    const npm = runProcess('npm', ['start', '--', `--dotenv=${envFile}`], environment(port, 'npm'), REPO_ROOT);
    running.push(npm);
    await npm.waitFor(/"message":"ready\\n/, READY_MS);

    npm.child.kill('SIGTERM');
    // What a process manager watching npm sees: a clean exit, not 143 with an orphaned service.
    expect(await exitWithin(npm, 15_000)).toBe(0);
    expect(npm.output()).toMatch(/"message":"SIGTERM: stopping/);
    expect(npm.output()).toContain('npm start: the service exited with 0');
    expect(await refused(port)).toBe(true);
  }, READY_MS + 30_000);
});
