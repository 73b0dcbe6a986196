// npm run fuzz -- [--requests 10000] [--seed 19] [--url http://127.0.0.1:3000 --token KEY]
// The long mode of the contract fuzzer: generated requests from the OpenAPI contract against a running service
// (--url, an admin --token), or against one it boots from the sources (temp SQLite, rate limit off). Prints the
// figures and every problem; exits 1 on any.
require('../../apps/presence-api/test/ts-register.cjs');
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { freePort } = require('@amo/presence-adapter-kit/testing');
const { loadDocument, runFuzz } = require('./fuzz-session.ts');

const root = join(__dirname, '..', '..');
const arg = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
};

async function bootService() {
  const dir = mkdtempSync(join(tmpdir(), 'presence-fuzz-'));
  const port = await freePort();
  const token = 'fuzz-admin-token-0123456789abcdef';
  const child = spawn(process.execPath, ['-r', join(root, 'apps/presence-api/test/ts-register.cjs'), join(root, 'apps/presence-api/src/main.ts')], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH, PORT: String(port), PRESENCE_DATA_DIR: dir, PRESENCE_DB_PATH: join(dir, 'presence.sqlite'), PRESENCE_API_TOKEN: token, PRESENCE_RATE_LIMIT: '1000000', PRESENCE_LOG_LEVEL: 'error', PRESENCE_SANDBOX: 'false', PRESENCE_CONSENT_DEFAULT: 'granted' },
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the service exited ${child.exitCode}`);
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  return { url, token, stop: () => (child.kill('SIGTERM'), new Promise((done) => child.once('exit', done))).then(() => rmSync(dir, { recursive: true, force: true })), child };
}

async function main() {
  const requests = Number(arg('requests', '10000'));
  const seed = Number(arg('seed', '19'));
  const target = arg('url') ? { url: arg('url'), token: arg('token', process.env.PRESENCE_API_TOKEN), stop: async () => undefined } : await bootService();
  try {
    const document = await loadDocument(target.url, join(root, 'apps/presence-api/openapi.json'));
    const report = await runFuzz({
      url: target.url,
      token: target.token,
      document,
      seed,
      requests,
      onCase: (index) => (index + 1) % 1000 === 0 && process.stderr.write(`${index + 1} sent\n`),
    });
    const fiveXx = Object.entries(report.byStatus).filter(([status]) => Number(status) >= 500).reduce((sum, [, n]) => sum + n, 0);
    console.log(`${report.sent} requests (seed ${seed}) in ${(report.elapsedMs / 1000).toFixed(1)} s: ${fiveXx} 5xx, ${report.storeChecks} refusals checked against the store, ${report.problems.length} problems`);
    console.log(`statuses: ${JSON.stringify(report.byStatus)}`);
    console.log(`variants: ${JSON.stringify(report.byVariant)}`);
    const distinct = [...new Set(report.problems.map((p) => p.replace(/ -> .*/s, '').replace(/\{.*$/s, '')))];
    for (const problem of report.problems.slice(0, 20)) console.log(`PROBLEM ${problem}`);
    if (report.problems.length > 20) console.log(`... ${report.problems.length - 20} more (${distinct.length} distinct requests)`);
    process.exitCode = report.problems.length === 0 ? 0 : 1;
  } finally {
    await target.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
