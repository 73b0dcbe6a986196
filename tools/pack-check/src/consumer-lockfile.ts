/** One entry of a package-lock.json v3 `packages` map (the fields this tool copies). */
export interface LockEntry {
  name?: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  /** Workspace-only flags (dev, optional...): not copied; npm works them out for the consumer. */
  dev?: boolean;
  license?: string;
  bin?: unknown;
  engines?: unknown;
  os?: string[];
  cpu?: string[];
  hasInstallScript?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface Lockfile {
  name?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

/** A library packed with `npm pack`: its tarball's file name and integrity, and the manifest inside it. */
export interface PackedLibrary {
  /** Where the library sits in the workspace lock (`libs/core`). */
  workspaceLocation: string;
  filename: string;
  integrity: string;
  /** The paths inside the tarball. */
  files: string[];
  manifest: { name: string; version: string; dependencies?: Record<string, string> };
}

const COPIED: (keyof LockEntry)[] = [
  'name', 'version', 'resolved', 'integrity', 'license', 'bin', 'engines', 'os', 'cpu', 'hasInstallScript',
  'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta',
];

/** Node's lookup over lock locations: `<from>/node_modules/<name>`, then each enclosing node_modules, then the root. */
function resolveLocation(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let location = from;
  for (;;) {
    const key = location ? `${location}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[key]) return key;
    if (!location) return undefined;
    const cut = location.lastIndexOf('/node_modules/');
    location = cut >= 0 ? location.slice(0, cut) : '';
  }
}

function tarballUrl(registry: string, name: string, version: string): string {
  const base = name.startsWith('@') ? name.split('/')[1] : name;
  return `${registry.replace(/\/?$/, '/')}${name}/-/${base}-${version}.tgz`;
}

/**
 * A package-lock.json for a consumer project that depends on the packed tarballs only. Third-party packages come
 * from the workspace's lock at the versions and integrities `npm ci` installed here (so `npm ci --offline` finds
 * them in the npm cache), and only what the packed manifests DECLARE is followed: a dependency a library uses but
 * does not declare is not installed, and the consumer's require fails as it would for any app outside this
 * workspace. npm itself then checks that this lock satisfies every declared range.
 */
export function consumerLockfile(
  workspace: Lockfile,
  packed: PackedLibrary[],
  registry: string,
  ownDevDependencies: Record<string, string> = {},
): Lockfile {
  const byName = new Map(packed.map((lib) => [lib.manifest.name, lib]));
  const packages: Record<string, LockEntry> = {
    '': {
      name: 'pack-check-consumer',
      version: '1.0.0',
      dependencies: Object.fromEntries(packed.map((lib) => [lib.manifest.name, `file:${lib.filename}`])),
      ...(Object.keys(ownDevDependencies).length ? { devDependencies: ownDevDependencies } : {}),
    },
  };
  for (const lib of packed) {
    packages[`node_modules/${lib.manifest.name}`] = {
      version: lib.manifest.version,
      resolved: `file:${lib.filename}`,
      integrity: lib.integrity,
      ...(lib.manifest.dependencies ? { dependencies: lib.manifest.dependencies } : {}),
    };
  }

  const pending: { from: string; name: string; optional: boolean }[] = [
    ...Object.keys(ownDevDependencies).map((name) => ({ from: '', name, optional: false })),
    ...packed.flatMap((lib) =>
      Object.keys(lib.manifest.dependencies ?? {}).map((name) => ({ from: lib.workspaceLocation, name, optional: false })),
    ),
  ];
  while (pending.length > 0) {
    const { from, name, optional } = pending.shift() as (typeof pending)[number];
    if (byName.has(name)) continue;
    const key = resolveLocation(workspace.packages, from, name);
    if (!key) {
      if (optional) continue;
      throw new Error(`${name} (needed from ${from || 'the root'}) is not in the workspace lock`);
    }
    const entry = workspace.packages[key];
    if (entry.link || !key.startsWith('node_modules/')) {
      throw new Error(`${name} resolves to workspace package ${key}: pack it too`);
    }
    if (packages[key]) continue;
    const copy: LockEntry = {};
    for (const field of COPIED) if (entry[field] !== undefined) (copy as Record<string, unknown>)[field] = entry[field];
    copy.resolved ??= tarballUrl(registry, entry.name ?? name, entry.version as string);
    packages[key] = copy;
    for (const dep of Object.keys(entry.dependencies ?? {})) pending.push({ from: key, name: dep, optional: false });
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) pending.push({ from: key, name: dep, optional: true });
    for (const [dep] of Object.entries(entry.peerDependencies ?? {})) {
      if (!entry.peerDependenciesMeta?.[dep]?.optional) pending.push({ from: key, name: dep, optional: false });
    }
  }
  return { name: 'pack-check-consumer', lockfileVersion: 3, requires: true, packages };
}
