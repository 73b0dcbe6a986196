// The README's example, kept runnable (relative imports here; the README imports the package names).
import { PresenceAggregator } from '@amo/presence-core';
import { serveWebhook } from '@amo/presence-adapter-kit/testing';
import { WhatsAppEmulator } from './testing';
import { createWhatsAppAdapter, parseWhatsAppCredentials } from './index';

it('README example: a signed inbound message makes the person online', async () => {
  const emulator = await WhatsAppEmulator.start();
  const adapter = createWhatsAppAdapter({
    credentials: parseWhatsAppCredentials(emulator.credentials()), // api_key, phone_number_id, app_secret, verify_token
    graphBaseUrl: emulator.graphBaseUrl, // default https://graph.facebook.com
  });
  const aggregator = new PresenceAggregator();
  aggregator.directory.link('ada', 'whatsapp', '16505551234');
  await adapter.connect(); // GET /v21.0/{phone_number_id}: AUTH_INVALID on a bad token
  aggregator.registerAdapter(adapter);
  await aggregator.startMonitoring(['whatsapp']);

  // The service's webhook controller: hand over method, headers, raw body and query; write back the answer.
  const receiver = await serveWebhook((request) => adapter.receiveWebhook(request));
  await emulator.webhooks.verify(receiver.url); // Meta's hub.challenge handshake
  await emulator.webhooks.message(receiver.url, { from: '16505551234', text: 'Hi' }); // signed like Meta

  expect(aggregator.getAggregatedPresence('ada')).toBe('online'); // away after 5 minutes, never offline

  await aggregator.close();
  await receiver.close();
  await emulator.close();
});
