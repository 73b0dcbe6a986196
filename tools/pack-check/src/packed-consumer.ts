import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { consumerLockfile, type Lockfile, type PackedLibrary } from './consumer-lockfile';
import { WORKSPACE_ROOT } from './workspace-libraries';

const STEP_TIMEOUT_MS = 150_000;

/** The environment for child processes: none of the outer npm run's settings, nor a NODE_PATH that could hide an undeclared dependency. */
export function cleanEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^npm_/i.test(key) && !/^npm_config_(cache|registry)$/i.test(key)) continue;
    if (key === 'NODE_PATH' || key === 'NODE_OPTIONS' || key.startsWith('JEST_') || key === 'INIT_CWD') continue;
    kept[key] = value;
  }
  return kept;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env: cleanEnv(env), encoding: 'utf8', timeout: STEP_TIMEOUT_MS });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** Builds the libraries with their nx build command (`tsc -b <dir>/tsconfig.lib.json`; references build first). */
export function buildLibraries(dirs: string[], env: NodeJS.ProcessEnv): void {
  const tsc = join(WORKSPACE_ROOT, 'node_modules', '.bin', 'tsc');
  run(tsc, ['-b', ...dirs.map((dir) => `${dir}/tsconfig.lib.json`)], WORKSPACE_ROOT, env);
}

/** `npm pack` of each library into `destination`, as npm would publish it. */
export function packLibraries(dirs: string[], destination: string, env: NodeJS.ProcessEnv): PackedLibrary[] {
  const args = ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, ...dirs.flatMap((dir) => ['-w', dir])];
  const reports = JSON.parse(run('npm', args, WORKSPACE_ROOT, env).stdout) as {
    name: string;
    filename: string;
    integrity: string;
    files: { path: string }[];
  }[];
  return dirs.map((dir) => {
    const manifest = JSON.parse(readFileSync(join(WORKSPACE_ROOT, dir, 'package.json'), 'utf8')) as PackedLibrary['manifest'];
    const report = reports.find((r) => r.name === manifest.name);
    if (!report) throw new Error(`npm pack reported nothing for ${dir}`);
    const files = report.files.map((file) => file.path);
    return { workspaceLocation: dir, filename: report.filename, integrity: report.integrity, files, manifest };
  });
}

/** A fresh folder under the OS temp directory, asserted to lie outside the workspace. */
export function folderOutsideWorkspace(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  if (!relative(WORKSPACE_ROOT, folder).startsWith('..')) throw new Error(`${folder} lies inside the workspace`);
  return folder;
}

/**
 * Installs the tarballs (already in `folder`) into `folder` with `npm ci --offline`: third-party packages come
 * from the npm cache that the workspace's `npm ci` filled, and nothing from the network.
 */
export function installOffline(
  folder: string,
  packed: PackedLibrary[],
  env: NodeJS.ProcessEnv,
  ownDevDependencies: Record<string, string> = {},
): void {
  const workspaceLock = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
  const registry = env.npm_config_registry ?? 'https://registry.npmjs.org/';
  const lock = consumerLockfile(workspaceLock, packed, registry, ownDevDependencies);
  const { dependencies, devDependencies } = lock.packages[''];
  const manifest = { name: lock.name, version: '1.0.0', private: true, dependencies, devDependencies };
  writeFileSync(join(folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(folder, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  try {
    run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], folder, env);
  } catch (error) {
    if (!String(error).includes('ENOTCACHED')) throw error;
    throw new Error(`a third-party package is not in npm's cache: run \`npm ci\` in the workspace first (this install is offline)\n${error}`);
  }
}

/**
 * TypeScript settings a consumer may use. node16 reads "exports" and checks the installed declarations in full
 * (no skipLibCheck: the types packages they name must be installed); node10 reads "typesVersions" for `/testing`
 * (library checking already done once).
 */
export const CONSUMER_RESOLUTIONS = [
  { module: 'node16', moduleResolution: 'node16', skipLibCheck: false },
  { module: 'commonjs', moduleResolution: 'node10', skipLibCheck: true },
] as const;

/** Type-checks a TypeScript consumer file in `folder` with the workspace's compiler, strict, once per setting above. */
export function typecheckConsumer(folder: string, source: string, env: NodeJS.ProcessEnv): void {
  copyFileSync(source, join(folder, 'consumer.ts'));
  const tsc = join(WORKSPACE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const settings of CONSUMER_RESOLUTIONS) {
    const compilerOptions = { ...settings, target: 'es2022', strict: true, noEmit: true, types: ['node'], ignoreDeprecations: '6.0' };
    writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }, null, 2));
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], folder, env);
  }
}

/** Writes a plain-JS consumer script into `folder` as `fileName` and runs it there with Node; returns its stdout. */
export function runScript(folder: string, fileName: string, source: string, env: NodeJS.ProcessEnv): string {
  const target = join(folder, fileName);
  writeFileSync(target, source);
  return run(process.execPath, [target], folder, env).stdout;
}

/** The first ```js block after `heading` in a Markdown file. */
export function jsExampleAfter(markdownFile: string, heading: string): string {
  const text = readFileSync(markdownFile, 'utf8');
  const at = text.indexOf(`\n${heading}\n`);
  const block = at < 0 ? null : /\n```js\n([\s\S]*?)\n```\n/.exec(text.slice(at));
  if (!block) throw new Error(`no js example after "${heading}" in ${markdownFile}`);
  return `${block[1]}\n`;
}
