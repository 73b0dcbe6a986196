// Type-checked (not run) in the consumer folder against the installed declarations: the public types of the
// packed libraries resolve, with strict settings and without skipLibCheck.
import type { PresenceStatus } from '@amo/presence-core';
import { createZoomAdapter } from '@amo/presence-adapter-zoom';
import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';

export async function readStatus(): Promise<PresenceStatus | undefined> {
  const zoom = await ZoomEmulator.start({ users: [{ id: 'u1', email: 'ada@example.com', status: 'Available' }] });
  const adapter = createZoomAdapter({ credentials: zoom.credentials, apiBaseUrl: zoom.apiBaseUrl, oauthBaseUrl: zoom.oauthBaseUrl });
  try {
    await adapter.connect();
    const { records } = await adapter.fetchPresence(['ada@example.com']);
    return records[0]?.status;
  } finally {
    await adapter.close();
    await zoom.close();
  }
}
