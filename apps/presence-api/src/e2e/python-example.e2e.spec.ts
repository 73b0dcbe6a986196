import { type Sandbox, startSandbox } from '@amo/presence-sandbox';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ADMIN_TOKEN, bootService, type RunningService, tempDir } from './harness.spec-helper';

/** Debian's interpreter, where python3-requests and python3-websockets install (not a pyenv shim). */
const PYTHON = '/usr/bin/python3';
const EXAMPLE = join(__dirname, '..', '..', '..', '..', 'examples', 'python', 'presence_example.py');
const ready = spawnSync(PYTHON, ['-c', 'import requests, websockets'], { encoding: 'utf8' }).status === 0;
// CI installs the two packages (.ci/run); on a developer machine without them this says why it skipped.
const maybe = ready || process.env.CI ? describe : describe.skip;

maybe('examples/python against the sandbox service (requests + websockets, as AMO modules use it)', () => {
  const dir = tempDir();
  let service: RunningService;
  let sandbox: Sandbox | undefined;

  beforeAll(async () => {
    service = await bootService({
      dataDir: dir.path,
      env: { PRESENCE_SANDBOX: 'true', PRESENCE_POLL_INTERVAL: '1' },
      sandbox: async (options) => (sandbox = await startSandbox({ publicUrl: options.publicUrl, clock: options.clock, changeEveryMs: 0 })),
    });
  }, 30_000);

  afterAll(async () => {
    await service?.close();
    dir.remove();
  });

  it('links, reads, checks availability and prints a streamed change', async () => {
    const child = spawn(PYTHON, [EXAMPLE], {
      env: { PATH: process.env.PATH, PRESENCE_URL: service.url, PRESENCE_KEY: ADMIN_TOKEN, PRESENCE_EXAMPLE_CHANGES: '1' },
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Once the stream's snapshot arrived, make alice change so the example has a change to print.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no snapshot line: ${out}${err}`)), 20_000);
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('snapshot: alice')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await sandbox?.setStatus('alice', 'discord', 'dnd');
    expect(await exit).toBe(0);
    expect(err).toBe('');
    expect(out).toContain("linked: {'whatsapp': '15550109999'}");
    expect(out).toMatch(/presence: unknown not available\n {2}whatsapp: unknown \(updated None\)/);
    expect(out).toMatch(/availability: \{'py-example': False, 'alice': (True|False)\}/);
    expect(out).toMatch(/change #\d+ at \d{4}-\d\d-\d\dT[\d:.]+Z: (presence|aggregate) alice -> \w+/);
  }, 60_000);
});
