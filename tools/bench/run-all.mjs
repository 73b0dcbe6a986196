// npm run bench: runs every `bench:*` script of the root package.json in turn (each also runs alone), and
// exits non-zero if one of them failed to run. Benchmarks are never part of `npm test`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');
const scripts = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts).filter((name) => name.startsWith('bench:'));
const failed = [];
for (const name of scripts) {
  console.log(`\n=== npm run ${name}`);
  const run = spawnSync('npm', ['run', '--silent', name], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.log(`\nfailed to run: ${failed.join(', ')}`);
  process.exit(1);
}
