import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageOf, packagesNamedBySources, WORKSPACE_ROOT, workspaceLibraries } from './workspace-libraries';

// What makes a library installable outside this workspace, checked for every library under libs/ (a new one
// included): an undeclared import works here only because the root node_modules happens to hold it.
const libraries = workspaceLibraries();
const versions = new Map(libraries.map((lib) => [lib.manifest.name, lib.manifest.version]));
// Packages a declared dependency loads by name at run time (database drivers TypeORM requires for the configured type).
const LOADED_BY_A_DEPENDENCY: Record<string, string> = { pg: 'typeorm', sqlite3: 'typeorm' };

describe.each(libraries.map((lib) => [lib.dir, lib] as const))('%s', (dir, lib) => {
  const { manifest } = lib;

  it('is publishable: not private, MIT, ships dist and the README only', () => {
    expect(manifest.private).toBeUndefined();
    expect(manifest.license).toBe('MIT');
    expect(manifest.files).toEqual(expect.arrayContaining(['dist', 'README.md']));
    expect(manifest.files?.filter((f) => !f.startsWith('!'))).toEqual(['dist', 'README.md']);
    expect(existsSync(join(WORKSPACE_ROOT, dir, 'README.md'))).toBe(true);
  });

  it('exports JS and declarations for . and, where it has one, ./testing', () => {
    expect(manifest.main).toBe('./dist/index.js');
    expect(manifest.types).toBe('./dist/index.d.ts');
    expect(manifest.exports?.['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    if (lib.hasTesting) {
      expect(manifest.exports?.['./testing']).toEqual({ types: './dist/testing/index.d.ts', default: './dist/testing/index.js' });
      // TypeScript's node10 resolution ignores "exports"; typesVersions points it at the same declarations.
      expect(manifest.typesVersions?.['*']?.testing).toEqual(['./dist/testing/index.d.ts']);
    } else {
      expect(manifest.exports?.['./testing']).toBeUndefined();
    }
  });

  it('declares every package its sources import, and nothing they do not', () => {
    const named = packagesNamedBySources(WORKSPACE_ROOT, dir);
    const declared = { ...manifest.dependencies, ...manifest.peerDependencies };
    const undeclared = [...named.keys()].filter((name) => name !== manifest.name && !(name in declared));
    expect(undeclared.map((name) => `${name} (imported by ${named.get(name)?.[0]})`)).toEqual([]);
    // A types package is declared for the package whose types the public declarations name.
    const unused = Object.keys(declared).filter((name) => {
      const user = LOADED_BY_A_DEPENDENCY[name] ?? (name.startsWith('@types/') ? name.slice('@types/'.length) : name);
      return !named.has(user);
    });
    expect(unused).toEqual([]);
  });

  it('depends on its @amo siblings at their own versions, as dependencies', () => {
    for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
      if (!name.startsWith('@amo/')) continue;
      expect([name, range]).toEqual([name, versions.get(name)]);
    }
    expect(Object.keys(manifest.peerDependencies ?? {}).filter((name) => name.startsWith('@amo/'))).toEqual([]);
  });

  it('marks each peer dependency optional (peers are types-only or one database driver of several)', () => {
    for (const name of Object.keys(manifest.peerDependencies ?? {})) {
      expect([name, manifest.peerDependenciesMeta?.[name]?.optional]).toEqual([name, true]);
    }
  });
});

describe('packageOf', () => {
  it('names the package of a bare specifier and nothing for relative or node: ones', () => {
    expect(packageOf('discord-api-types/v10')).toBe('discord-api-types');
    expect(packageOf('@amo/presence-adapter-kit/testing')).toBe('@amo/presence-adapter-kit');
    expect(packageOf('./zoom.client')).toBeUndefined();
    expect(packageOf('node:http')).toBeUndefined();
  });
});
