// Runs in a folder outside the workspace where only the packed tarballs (and what they declare) are installed:
// builds the Zoom adapter against its emulator on loopback, reads a presence, and prints what it saw as JSON.
'use strict';
const path = require('node:path');
const { createZoomAdapter } = require('@amo/presence-adapter-zoom');
const { ZoomEmulator } = require('@amo/presence-adapter-zoom/testing');

async function main() {
  const zoom = await ZoomEmulator.start({
    users: [{ id: 'KdYKjnimT4KPd8FFgQt9FQ', email: 'ada@example.com', status: 'In_A_Zoom_Meeting' }],
  });
  const adapter = createZoomAdapter({
    credentials: zoom.credentials,
    apiBaseUrl: zoom.apiBaseUrl,
    oauthBaseUrl: zoom.oauthBaseUrl,
  });
  try {
    await adapter.connect();
    const { records, notFound } = await adapter.fetchPresence(['ada@example.com', 'nobody']);
    const here = __dirname + path.sep;
    process.stdout.write(
      JSON.stringify({
        apiBaseUrl: zoom.apiBaseUrl,
        status: records[0] && records[0].status,
        activity: records[0] && records[0].activity,
        notFound,
        // Every module loaded must come from this folder: nothing from the workspace or a global path.
        loadedFromElsewhere: Object.keys(require.cache).filter((file) => !file.startsWith(here)),
        packages: ['@amo/presence-core', '@amo/presence-adapter-kit', '@amo/presence-adapter-zoom'].map((name) =>
          path.relative(__dirname, require.resolve(name)),
        ),
      }) + '\n',
    );
  } finally {
    await adapter.close();
    await zoom.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
