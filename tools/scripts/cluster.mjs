// `npm run cluster -- --instances 3`: N instances of the service on consecutive ports (PORT, default 3000, then
// 3001, ...) against this machine's PostgreSQL and Redis (DATABASE_URL and REDIS_URL, defaulting to the local
// servers), which is cluster mode. In sandbox mode unless platform credentials are set, as `npm start` decides:
// then one instance hosts the emulators and the others connect to them (one fake tenant for the whole cluster).
// Builds once, starts the first instance (which runs the migrations and creates ./data's key files the others
// read), then the rest; prints each URL. Ctrl-C stops them all (each shuts down cleanly, leases released).
//
//   npm run cluster -- --instances 3
//   PORT=4000 PRESENCE_REDIS_PREFIX=demo: npm run cluster -- --instances 2
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const nx = join(root, 'node_modules', '.bin', 'nx');
const main = join(root, 'apps', 'presence-api', 'dist', 'main.js');

function option(name, fallback) {
  const args = process.argv.slice(2);
  const at = args.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (at < 0) return fallback;
  return args[at].includes('=') ? args[at].split('=')[1] : args[at + 1];
}

const count = Number(option('instances', '3'));
if (!Number.isInteger(count) || count < 1 || count > 16) {
  console.error('npm run cluster: --instances must be a whole number from 1 to 16');
  process.exit(1);
}
const firstPort = Number(process.env.PORT ?? 3000);
const envFile = existsSync(join(root, '.env')) ? [`--env-file=${join(root, '.env')}`] : [];
const shared = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};

const children = [];
let stopping = false;

function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.error(`\nnpm run cluster: ${signal}: stopping ${children.filter((c) => c.exitCode === null).length} instance(s)`);
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(signal));

function run(command, args, env) {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env });
    child.once('exit', (code) => done(code));
  });
}

/** One instance, its output prefixed with its name; resolves when its start-up block says ready. */
function startInstance(index) {
  const port = firstPort + index;
  const name = `i${index + 1}`;
  const env = {
    ...shared,
    PORT: String(port),
    PRESENCE_PUBLIC_URL: process.env.PRESENCE_PUBLIC_URL_BASE ? `${process.env.PRESENCE_PUBLIC_URL_BASE}:${port}` : `http://localhost:${port}`,
    PRESENCE_INSTANCE_ID: process.env.PRESENCE_INSTANCE_ID ? `${process.env.PRESENCE_INSTANCE_ID}-${name}` : `${hostname()}-${port}`,
  };
  const child = spawn(process.execPath, [...envFile, main], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env });
  children.push(child);
  let seen = '';
  return new Promise((ready, failed) => {
    const relay = (stream, target) => {
      let partial = '';
      stream.on('data', (chunk) => {
        const text = partial + chunk.toString();
        const lines = text.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) target.write(`[${name}] ${line}\n`);
        seen += chunk.toString();
        if (/\bready\n\s+mode/.test(seen)) ready({ name, port, url: `http://localhost:${port}`, child });
      });
    };
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.once('exit', (code, signal) => {
      if (!stopping) failed(new Error(`${name} exited (${code ?? signal}) before it was ready`));
    });
  });
}

const build = await run(nx, ['run-many', '-t', 'build', '-p', 'presence-api', 'presence-dashboard', '--outputStyle=static'], { ...process.env, NX_DAEMON: 'false' });
if (build !== 0) {
  console.error('npm run cluster: the build failed; see above.');
  process.exit(build ?? 1);
}

try {
  // The first one alone: it runs the migrations and writes ./data's key files, which the others then read.
  const instances = [await startInstance(0)];
  instances.push(...(await Promise.all(Array.from({ length: count - 1 }, (_, i) => startInstance(i + 1)))));
  console.log(
    [
      '',
      `cluster of ${count}: PostgreSQL ${shared.DATABASE_URL.replace(/\/\/[^@/]*@/, '//')}, Redis ${shared.REDIS_URL.replace(/\/\/[^@/]*@/, '//')}`,
      ...instances.map((instance) => `  ${instance.name}  ${instance.url}   (stream ws://localhost:${instance.port}/v1/stream)`),
      'Any instance answers any request, and a stream client on any of them hears every change. Ctrl-C stops them all.',
      '',
    ].join('\n'),
  );
} catch (error) {
  console.error(`npm run cluster: ${error.message}`);
  stop('start-up failed');
}

const codes = await Promise.all(children.map((child) => (child.exitCode !== null ? child.exitCode : new Promise((done) => child.once('exit', (code) => done(code))))));
process.exit(stopping && codes.every((code) => code === 0) ? 0 : 1);
