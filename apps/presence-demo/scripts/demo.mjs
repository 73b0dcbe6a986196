// `npm run demo -- [--once] [--people N] ...`: compiles the demo with the libraries it uses (tsc -b follows the
// project references), then runs it with the flags given. Signals pass through so Ctrl-C closes it cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;
const tsc = join(root, 'node_modules', '.bin', 'tsc');

const build = spawnSync(tsc, ['-b', join(root, 'apps', 'presence-demo', 'tsconfig.app.json')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
if (build.status !== 0) {
  console.error('npm run demo: the build failed; see above.');
  process.exit(build.status ?? 1);
}

const demo = spawn(process.execPath, [join(root, 'apps', 'presence-demo', 'dist', 'main.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => demo.kill(signal));
demo.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
