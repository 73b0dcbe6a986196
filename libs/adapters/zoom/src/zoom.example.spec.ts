import { createZoomAdapter, handleZoomWebhook } from './index';
import { ZoomEmulator } from './testing';

// The README's example, verbatim apart from `log` standing in for console.log, so the example cannot rot.
async function main(log: (...args: unknown[]) => void): Promise<void> {
  const zoom = await ZoomEmulator.start({
    users: [{ id: 'KdYKjnimT4KPd8FFgQt9FQ', email: 'ada@example.com', status: 'In_A_Zoom_Meeting' }],
  });
  const adapter = createZoomAdapter({
    credentials: zoom.credentials, // { account_id, client_id, client_secret, webhook_secret_token }
    apiBaseUrl: zoom.apiBaseUrl,
    oauthBaseUrl: zoom.oauthBaseUrl,
  });
  await adapter.connect();
  const { records, notFound } = await adapter.fetchPresence(['ada@example.com', 'nobody']);
  log(records[0].status, records[0].activity, notFound); // busy In a Zoom meeting [ 'nobody' ]

  // What the service's webhook controller does with a delivery (here signed by the emulator):
  const delivery = zoom.webhooks.sign(zoom.webhooks.presenceEvent({ userId: 'KdYKjnimT4KPd8FFgQt9FQ', status: 'Away' }));
  const result = handleZoomWebhook(delivery, { secretToken: zoom.webhookSecretToken });
  log(result.status, result.records[0].status); // 200 away

  await adapter.close();
  await zoom.close();
}

it('runs the README example', async () => {
  const lines: unknown[][] = [];
  await main((...args) => lines.push(args));
  expect(lines).toEqual([
    ['busy', 'In a Zoom meeting', ['nobody']],
    [200, 'away'],
  ]);
});
