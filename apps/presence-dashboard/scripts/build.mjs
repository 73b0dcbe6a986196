// Builds the site into dist/ without a bundler: each page module and each @amo/presence-client module is
// transpiled on its own to an ES module (type-checking is tsc's job, run before this), the client's files go to
// dist/vendor/presence-client/ where index.html's import map points, and the static files are copied.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const clientSrc = join(root, '..', '..', 'libs', 'client', 'src');
const vendor = join(dist, 'vendor', 'presence-client');

const isModule = (name) => name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.spec-helper.ts');

function transpile(file, { addJsExtensions }) {
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, isolatedModules: true, sourceMap: false },
  });
  // The library's sources import './routes' (CommonJS resolution); a browser needs the file's full name.
  return addJsExtensions ? outputText.replace(/(from\s+['"])(\.{1,2}\/[^'"]+?)(['"])/g, '$1$2.js$3') : outputText;
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });
for (const name of readdirSync(join(root, 'src')).filter(isModule)) {
  writeFileSync(join(dist, name.replace(/\.ts$/, '.js')), transpile(join(root, 'src', name), { addJsExtensions: false }));
}
for (const name of readdirSync(clientSrc).filter(isModule)) {
  const output = transpile(join(clientSrc, name), { addJsExtensions: true });
  // The client imports its dependencies for types only; a value import would not load in the page.
  const bare = [...output.matchAll(/(?:from|import)\s+['"]([^./'"][^'"]*)['"]/g)].map((match) => match[1]);
  if (bare.length > 0) throw new Error(`libs/client/src/${name} imports ${bare.join(', ')} at run time: the dashboard cannot load it`);
  writeFileSync(join(vendor, name.replace(/\.ts$/, '.js')), output);
}
for (const file of ['index.html', 'styles.css', 'favicon.svg']) copyFileSync(join(root, 'src', file), join(dist, file));
