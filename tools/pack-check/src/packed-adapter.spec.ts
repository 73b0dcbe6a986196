import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildLibraries,
  folderOutsideWorkspace,
  installOffline,
  jsExampleAfter,
  packLibraries,
  runScript,
  typecheckConsumer,
} from './packed-consumer';
import { WORKSPACE_ROOT } from './workspace-libraries';

// Core, the kit and the Zoom adapter as another Node app gets them: built, packed with npm, installed from the
// tarballs in a folder outside the workspace (offline, third-party packages from the npm cache), then a plain-JS
// script builds the adapter against its emulator on loopback and reads a presence. An undeclared dependency is
// not installed there, so that script fails.
const LIBRARIES = ['libs/core', 'libs/adapter-kit', 'libs/adapters/zoom'];
const CONSUMER_SCRIPT = join(__dirname, '..', 'consumer', 'read-zoom-presence.cjs');
const CONSUMER_TYPESCRIPT = join(__dirname, '..', 'consumer', 'read-zoom-presence.ts');

describe('packed core, adapter-kit and Zoom adapter outside the workspace', () => {
  let folder: string | undefined;
  afterAll(() => folder && rmSync(folder, { recursive: true, force: true }));

  it('packs, installs offline and reads a presence from the emulator', () => {
    const started = Date.now();
    buildLibraries(LIBRARIES, process.env);
    const built = Date.now();
    const consumer = folderOutsideWorkspace('amo-pack-check-');
    folder = consumer;
    const packed = packLibraries(LIBRARIES, consumer, process.env);
    for (const lib of packed) {
      const withTesting = lib.manifest.name !== '@amo/presence-core';
      expect(lib.files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']));
      if (withTesting) expect(lib.files).toEqual(expect.arrayContaining(['dist/testing/index.js', 'dist/testing/index.d.ts']));
      expect(lib.files.filter((file) => !/^(dist\/.+\.(js|d\.ts)|package\.json|README\.md)$/.test(file))).toEqual([]);
    }
    // A TypeScript app brings its own Node types; everything else must come from what the tarballs declare.
    installOffline(consumer, packed, process.env, { '@types/node': '^20.19.43' });
    const installed = Date.now();

    const seen = JSON.parse(runScript(consumer, 'consumer.cjs', readFileSync(CONSUMER_SCRIPT, 'utf8'), process.env));
    expect(seen).toEqual({
      apiBaseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+/),
      status: 'busy',
      activity: 'In a Zoom meeting',
      notFound: ['nobody'],
      loadedFromElsewhere: [],
      packages: [
        'node_modules/@amo/presence-core/dist/index.js',
        'node_modules/@amo/presence-adapter-kit/dist/index.js',
        'node_modules/@amo/presence-adapter-zoom/dist/index.js',
      ],
    });
    // The root README's example, verbatim, so it cannot rot.
    const example = jsExampleAfter(join(WORKSPACE_ROOT, 'README.md'), '### Using one adapter library from another Node app');
    expect(runScript(consumer, 'readme-example.cjs', example, process.env)).toBe('busy In a Zoom meeting\n');
    const ran = Date.now();

    typecheckConsumer(consumer, CONSUMER_TYPESCRIPT, process.env);
    const checked = Date.now();
    console.log(
      `pack-check: build ${built - started} ms, pack + offline install ${installed - built} ms, script ${ran - installed} ms, ` +
        `consumer typecheck ${checked - ran} ms`,
    );
  }, 400_000);
});
