// Child processes for the benchmarks: the real service (service-process.cjs) and the bare baseline server,
// each asked things over IPC, plus a fetch helper for set-up calls against the service.
const { fork } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..', '..', '..');
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

/** Forks `script`, resolves once it reports ready; `ask(cmd, extra)` sends a command and awaits its `done`. */
function startChild(script, { env = {}, execArgv = [] } = {}) {
  const child = fork(script, [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const waiters = [];
  child.on('message', (message) => {
    const at = waiters.findIndex((w) => w.key in message && (w.value === undefined || message[w.key] === w.value));
    if (at >= 0) waiters.splice(at, 1)[0].resolve(message);
  });
  const next = (key, value) => new Promise((resolve) => waiters.push({ key, value, resolve }));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const failed = exited.then((code) => Promise.reject(new Error(`${script} exited (${code}) before it was ready`)));
  return Promise.race([next('ready'), failed]).then(
    (ready) => ({
      child,
      port: ready.port,
      ask(cmd, extra = {}) {
        const answer = next('done', cmd);
        child.send({ cmd, ...extra });
        return answer;
      },
      async stop() {
        if (child.exitCode === null) child.send({ cmd: 'exit' });
        await exited;
      },
    }),
  );
}

/** The service with sandbox off and SQLite in a temp dir. */
async function startService({ env = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'presence-bench-'));
  const service = await startChild(join(__dirname, 'service-process.cjs'), {
    env: {
      PRESENCE_SANDBOX: 'false',
      PRESENCE_DATA_DIR: dir,
      PRESENCE_DB_PATH: join(dir, 'presence.sqlite'),
      PRESENCE_API_TOKEN: ADMIN_TOKEN,
      PRESENCE_PUBLIC_URL: 'http://127.0.0.1:9',
      PRESENCE_RATE_LIMIT: '1000000',
      // Everyone linked consents (outside sandbox the default is no consent, and nothing would be ingested).
      PRESENCE_CONSENT_DEFAULT: 'granted',
      PORT: '0',
      ...env,
    },
  });
  const url = `http://127.0.0.1:${service.port}`;
  return {
    ...service,
    url,
    async call(method, path, body, token = ADMIN_TOKEN) {
      const headers = { authorization: `Bearer ${token}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async stop() {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const startBare = () => startChild(join(__dirname, 'bare-server.cjs'));
const startExpress = () => startChild(join(__dirname, 'express-server.cjs'));
const startFastify = () => startChild(join(__dirname, 'fastify-server.cjs'));

/** Runs `task` over `items` with `width` at a time. */
async function inParallel(items, width, task) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await task(items[next++]);
  }));
}

module.exports = { root, ADMIN_TOKEN, startChild, startService, startBare, startExpress, startFastify, inParallel };
