// `npm start`: checks the environment (and .env) and the port, compiles the service (with the libraries it uses)
// and the dashboard, then runs the service from the repository root, so ./data/ sits beside package.json.
//
// .env: read when present (Node's --env-file; the real environment wins over the file), or the file named by
// `npm start -- --dotenv=<path>` (not --env-file, which Node 20 itself takes even after the script name).
// Signals: SIGINT and SIGTERM go to whichever step is running, so a stop during the service runs its graceful
// shutdown, and this process exits with the service's code (0 after a clean stop). Under a process manager, run
// `node tools/scripts/start.mjs` itself: npm runs this under `sh -c`, and npm's SIGTERM ends that shell without
// reaching us (we notice the shell is gone and stop the service cleanly, but npm has already exited 143).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const nx = join(root, 'node_modules', '.bin', 'nx');
const STOPS = ['SIGINT', 'SIGTERM'];

function envFile() {
  const given = process.argv.slice(2).find((arg) => arg.startsWith('--dotenv='));
  if (given) {
    // npm runs scripts from the package root; a relative path means the folder npm start was typed in.
    const path = resolve(process.env.INIT_CWD ?? process.cwd(), given.slice('--dotenv='.length));
    if (!existsSync(path)) {
      console.error(`npm start: ${path} does not exist`);
      process.exit(1);
    }
    return path;
  }
  const path = join(root, '.env');
  return existsSync(path) ? path : undefined;
}

const file = envFile();
const nodeEnvArgs = file ? [`--env-file=${file}`] : [];

let current;
let stopRequested = false;
function stop(signal) {
  stopRequested = true;
  current?.kill(signal);
}
for (const signal of STOPS) process.on(signal, () => stop(signal));

// npm's SIGTERM kills the `sh -c` between npm and us (dash neither forwards it nor execs): a new parent means
// whoever started us is gone, so stop as if told to.
const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watch);
  console.error('npm start: the parent process exited; stopping the service');
  stop('SIGTERM');
}, 250);
watch.unref();

function run(command, args, env = process.env) {
  current = spawn(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env });
  return new Promise((done) => current.once('exit', (code, signal) => done({ code, signal })));
}

const check = await run(process.execPath, [...nodeEnvArgs, join(root, 'tools', 'scripts', 'check-env.cjs')]);
if (stopRequested) process.exit(0);
if (check.code !== 0) {
  console.error(`npm start: fix the variables above (environment${file ? ` or ${file}` : ''}), then run it again.`);
  process.exit(1);
}

const build = await run(nx, ['run-many', '-t', 'build', '-p', 'presence-api', 'presence-dashboard', '--outputStyle=static'], { ...process.env, NX_DAEMON: 'false' });
if (stopRequested) process.exit(0);
if (build.code !== 0) {
  console.error('npm start: the build failed; see above.');
  process.exit(build.code ?? 1);
}

const service = await run(process.execPath, [...nodeEnvArgs, join(root, 'apps', 'presence-api', 'dist', 'main.js')]);
// After npm has gone, this line is the only record of how the stop went.
if (stopRequested) console.error(`npm start: the service exited with ${service.code ?? service.signal}`);
process.exit(service.code ?? 1);
