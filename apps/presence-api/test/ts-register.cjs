// Lets a child process run the service from its TypeScript sources (for the shutdown and config tests):
// each .ts file is transpiled on load, and @amo/* imports resolve to the libraries' sources.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const ts = require('typescript');

const root = path.resolve(__dirname, '..', '..', '..');
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
const aliases = new Map(Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, path.join(root, target)]));

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const alias = aliases.get(request);
  return resolve.call(this, alias ?? request, parent, ...rest);
};

const options = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
  isolatedModules: true,
};
// Transpiling is most of a start's CPU (about 7 of 9 s): the output is kept on disk by path and content, so the
// next start of an unchanged tree (a restart in a test, the next spec) only reads it.
const cacheDir = path.join(
  require('node:os').tmpdir(),
  'presence-ts-register',
  crypto.createHash('sha256').update(`${ts.version}\0${JSON.stringify(options)}`).digest('hex').slice(0, 16),
);
function transpile(filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const cached = path.join(cacheDir, `${crypto.createHash('sha256').update(`${filename}\0${source}`).digest('hex')}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    const { outputText } = ts.transpileModule(source, { compilerOptions: options, fileName: filename });
    try {
      // Written aside and renamed: another process starting at the same time never reads half a file.
      fs.mkdirSync(cacheDir, { recursive: true });
      const partial = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(partial, outputText);
      fs.renameSync(partial, cached);
    } catch {
      // No cache (read-only or full disk): this start transpiles, as it did before the cache.
    }
    return outputText;
  }
}
require.extensions['.ts'] = (module, filename) => {
  module._compile(transpile(filename), filename);
};
