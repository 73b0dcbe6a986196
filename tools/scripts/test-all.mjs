// Runs every project's tests with coverage through Nx, then prints one total line, `N passed, N failed`,
// which CI reads. A project whose Jest died before reporting counts as one failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const resultsDir = join(root, 'tmp', 'test-results');
rmSync(resultsDir, { recursive: true, force: true });

const nx = join(root, 'node_modules', '.bin', 'nx');
const listed = spawnSync(nx, ['show', 'projects', '--with-target', 'test', '--json'], { cwd: root, encoding: 'utf8' });
if (listed.status !== 0) {
  process.stderr.write(listed.stderr);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const projects = JSON.parse(listed.stdout);

const extra = process.argv.slice(2);
const run = spawnSync(
  nx,
  ['run-many', '-t', 'test', '--parallel=2', '--outputStyle=stream', '--coverage', '--ci', ...extra],
  { cwd: root, stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const seen = new Set();
if (existsSync(resultsDir)) {
  for (const file of readdirSync(resultsDir)) {
    const result = JSON.parse(readFileSync(join(resultsDir, file), 'utf8'));
    passed += result.passed;
    failed += result.failed;
    skipped += result.skipped;
    seen.add(result.project);
  }
}
// A project that produced no result file never reported: count it as a failure.
const missing = Math.max(0, projects.length - seen.size);
failed += missing;
if (missing > 0) console.error(`${missing} project(s) ran no test report`);
if (run.status !== 0 && failed === 0) failed = 1;
// Skips are contract checks that do not apply to an adapter (each says why in the test output).
if (skipped) console.log(`${skipped} skipped (not applicable; reasons in the output above)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && run.status === 0 ? 0 : 1);
