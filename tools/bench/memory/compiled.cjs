// The service as plain JavaScript for bench:memory, so the process measured is the service and not the
// TypeScript compiler (loading the sources through ts-register.cjs keeps `typescript` and its caches in the
// process: about 100 MB of RSS). `compile()` (in the parent, before any measured process starts) transpiles
// the service's and libraries' sources once into node_modules/.cache/presence-bench/ (same layout, .js, with
// decorator metadata as tsc emits it); `register()` (in the measured process) only maps the @amo/... aliases
// to that tree. The measured process loads no TypeScript at all, as `node dist/main.js` after a build.
const Module = require('node:module');
const { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

const root = join(__dirname, '..', '..', '..');
const out = join(root, 'node_modules', '.cache', 'presence-bench');
const SOURCES = ['apps/presence-api/src', 'libs'];

function tsFiles(dir, files = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) tsFiles(path, files);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !entry.name.includes('.spec')) files.push(path);
  }
  return files;
}

/** Transpiles every service and library source file into the cache tree; returns how many. */
function compile() {
  const ts = require('typescript');
  const compilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    sourceMap: false,
  };
  rmSync(out, { recursive: true, force: true });
  let count = 0;
  for (const source of SOURCES) {
    for (const file of tsFiles(join(root, source))) {
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { fileName: file, compilerOptions });
      const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, outputText);
      count++;
    }
  }
  // The dashboard's built files are served from beside the service (bootstrap's dashboardDir), when built.
  const dashboard = join(root, 'apps', 'presence-dashboard', 'dist');
  if (existsSync(dashboard)) {
    mkdirSync(join(out, 'apps', 'presence-dashboard'), { recursive: true });
    symlinkSync(dashboard, join(out, 'apps', 'presence-dashboard', 'dist'));
  }
  return count;
}

/** In the measured process: @amo/... resolves to the transpiled tree (tsconfig's paths, .ts -> .js). */
function register() {
  const { paths } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions;
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    const alias = paths[request];
    return resolve.call(this, alias ? join(out, alias[0].replace(/\.ts$/, '.js')) : request, ...rest);
  };
  return out;
}

module.exports = { compile, register, out };
