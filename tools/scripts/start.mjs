// `npm start`: compiles the service (with the libraries it uses) and the dashboard, then runs the service
// from the repository root, so ./data/ sits beside package.json. Signals pass through for a clean shutdown.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const nx = join(root, 'node_modules', '.bin', 'nx');

const build = spawnSync(nx, ['run-many', '-t', 'build', '-p', 'presence-api', 'presence-dashboard', '--outputStyle=static'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, NX_DAEMON: 'false' },
});
if (build.status !== 0) {
  console.error('npm start: the build failed; see above.');
  process.exit(build.status ?? 1);
}

const service = spawn(process.execPath, [join(root, 'apps', 'presence-api', 'dist', 'main.js')], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => service.kill(signal));
service.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
