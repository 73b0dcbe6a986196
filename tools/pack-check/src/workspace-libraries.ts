import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** The repository root (this file sits in tools/pack-check/src). */
export const WORKSPACE_ROOT = join(__dirname, '..', '..', '..');

/** The package.json fields this check reads. */
export interface LibraryManifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  main?: string;
  types?: string;
  files?: string[];
  exports?: Record<string, string | { types?: string; default?: string }>;
  typesVersions?: Record<string, Record<string, string[]>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** One library of the workspace: its folder (relative to the root) and its manifest. */
export interface WorkspaceLibrary {
  dir: string;
  manifest: LibraryManifest;
  /** Whether it has a `/testing` entry (src/testing/index.ts). */
  hasTesting: boolean;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Every package under `libs/` (the workspaces globs that are libraries, not apps). */
export function workspaceLibraries(root = WORKSPACE_ROOT): WorkspaceLibrary[] {
  const globs = readJson<{ workspaces: string[] }>(join(root, 'package.json')).workspaces.filter((g) => g.startsWith('libs/'));
  const dirs = globs.flatMap((glob) => {
    const parent = glob.replace(/\/\*$/, '');
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, parent, entry.name, 'package.json')))
      .map((entry) => `${parent}/${entry.name}`);
  });
  return dirs.sort().map((dir) => ({
    dir,
    manifest: readJson<LibraryManifest>(join(root, dir, 'package.json')),
    hasTesting: existsSync(join(root, dir, 'src', 'testing', 'index.ts')),
  }));
}

/** The package a bare module specifier names (`@scope/name/sub` -> `@scope/name`); undefined for relative and node: ones. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isBuiltin(name: string): boolean {
  return builtinModules.includes(name);
}

/**
 * The packages the library's built sources name (imports, re-exports, `import()` types, `require`), type-only ones
 * included: exactly the files `tsconfig.lib.json` compiles into dist. Maps package -> files naming it.
 */
export function packagesNamedBySources(root: string, dir: string): Map<string, string[]> {
  const configPath = join(root, dir, 'tsconfig.lib.json');
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!config) throw new Error(`cannot read ${configPath}`);
  const named = new Map<string, string[]>();
  for (const file of config.fileNames) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      const name = packageOf(fileName);
      if (!name || isBuiltin(name)) continue;
      named.set(name, [...(named.get(name) ?? []), relative(root, file)]);
    }
  }
  return named;
}
