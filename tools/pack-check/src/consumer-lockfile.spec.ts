import { consumerLockfile, type Lockfile, type PackedLibrary } from './consumer-lockfile';
import { cleanEnv } from './packed-consumer';

const REGISTRY = 'https://registry.example/';

function workspaceLock(): Lockfile {
  return {
    lockfileVersion: 3,
    packages: {
      '': { name: 'workspace' },
      'libs/kit': { name: '@amo/kit', version: '0.1.0' },
      'node_modules/@amo/kit': { resolved: 'libs/kit', link: true },
      'libs/other': { name: '@amo/other', version: '0.1.0' },
      'node_modules/@amo/other': { resolved: 'libs/other', link: true },
      'node_modules/ws': {
        version: '8.23.0',
        integrity: 'sha512-ws',
        peerDependencies: { bufferutil: '^4' },
        peerDependenciesMeta: { bufferutil: { optional: true } },
      },
      'node_modules/@types/ws': { version: '8.18.2', integrity: 'sha512-tws', dev: true, dependencies: { '@types/node': '*' } },
      'node_modules/@types/node': { version: '20.19.43', integrity: 'sha512-tn', dependencies: { 'undici-types': '~6.21.0' } },
      'node_modules/@types/node/node_modules/undici-types': { version: '6.21.0', integrity: 'sha512-u1' },
      'node_modules/undici-types': { version: '7.0.0', integrity: 'sha512-u7' },
      'node_modules/cockatiel': { version: '3.2.1', integrity: 'sha512-c', optionalDependencies: { fsevents: '2' } },
    },
  };
}

function kit(dependencies: Record<string, string>): PackedLibrary {
  return {
    workspaceLocation: 'libs/kit',
    filename: 'amo-kit-0.1.0.tgz',
    integrity: 'sha512-kit',
    files: [],
    manifest: { name: '@amo/kit', version: '0.1.0', dependencies },
  };
}

describe('consumerLockfile', () => {
  it('installs the tarballs and what they declare, transitively, at the workspace lock locations', () => {
    const lock = consumerLockfile(workspaceLock(), [kit({ ws: '^8.23.0', '@types/ws': '^8.18.2', cockatiel: '3.2.1' })], REGISTRY);
    expect(lock.packages['']).toEqual({ name: 'pack-check-consumer', version: '1.0.0', dependencies: { '@amo/kit': 'file:amo-kit-0.1.0.tgz' } });
    expect(lock.packages['node_modules/@amo/kit']).toMatchObject({ resolved: 'file:amo-kit-0.1.0.tgz', integrity: 'sha512-kit' });
    expect(Object.keys(lock.packages).sort()).toEqual([
      '',
      'node_modules/@amo/kit',
      'node_modules/@types/node',
      'node_modules/@types/node/node_modules/undici-types',
      'node_modules/@types/ws',
      'node_modules/cockatiel',
      'node_modules/ws',
    ]);
    // Tarball URLs where the workspace lock omits them; the workspace's dev flags are not copied.
    expect(lock.packages['node_modules/@types/ws']).toEqual({
      version: '8.18.2',
      integrity: 'sha512-tws',
      resolved: 'https://registry.example/@types/ws/-/ws-8.18.2.tgz',
      dependencies: { '@types/node': '*' },
    });
  });

  it('leaves out a package the workspace has but the library does not declare', () => {
    const lock = consumerLockfile(workspaceLock(), [kit({ ws: '^8.23.0' })], REGISTRY);
    expect(lock.packages['node_modules/cockatiel']).toBeUndefined();
  });

  it('refuses a sibling that was not packed, and a dependency the workspace lock lacks', () => {
    expect(() => consumerLockfile(workspaceLock(), [kit({ '@amo/other': '0.1.0' })], REGISTRY)).toThrow(/workspace package .*pack it too/);
    expect(() => consumerLockfile(workspaceLock(), [kit({ zod: '^4' })], REGISTRY)).toThrow(/zod .* is not in the workspace lock/);
  });
});

describe('cleanEnv', () => {
  it("drops the outer npm run's settings and NODE_PATH, keeps the cache, registry and PATH", () => {
    const env = cleanEnv({
      PATH: '/bin',
      NODE_PATH: '/work/main/node_modules',
      npm_config_cache: '/c',
      npm_config_registry: 'https://r/',
      npm_config_workspace: 'x',
      npm_package_name: 'y',
    });
    expect(env).toEqual({ PATH: '/bin', npm_config_cache: '/c', npm_config_registry: 'https://r/' });
  });
});
