// The README's example, kept runnable (relative imports here; the README imports the package names).
import { PresenceAggregator } from '@amo/presence-core';
import { serveWebhook } from '@amo/presence-adapter-kit/testing';
import { LinkedInEmulator } from './testing';
import { createLinkedInAdapter, parseLinkedInCredentials } from './index';

it('README example: unknown until the member acts on the Page, then online', async () => {
  const emulator = await LinkedInEmulator.start();
  const { accessToken } = emulator.issueToken(); // as if the member had completed the OAuth flow
  const adapter = createLinkedInAdapter({
    credentials: parseLinkedInCredentials({ client_id: emulator.clientId, client_secret: emulator.clientSecret, access_token: accessToken }),
    oauthBaseUrl: emulator.oauthBaseUrl, // default https://www.linkedin.com/oauth/v2
    apiBaseUrl: emulator.apiBaseUrl, // default https://api.linkedin.com
  });
  await adapter.connect(); // GET /v2/userinfo: AUTH_INVALID on a bad, expired or revoked token
  const aggregator = new PresenceAggregator();
  aggregator.directory.link('ada', 'linkedin', 'urn:li:person:yrZCpj2ZYQ');
  aggregator.registerAdapter(adapter);
  await aggregator.startMonitoring(['linkedin']);
  expect(aggregator.getAggregatedPresence('ada')).toBe('unknown'); // no signal: unknown, not offline

  const receiver = await serveWebhook((request) => adapter.receiveWebhook(request)); // the service's controller
  await emulator.webhooks.validate(receiver.url); // challengeCode -> challengeResponse
  await emulator.webhooks.actions(receiver.url, [{ action: 'COMMENT', actor: 'urn:li:person:yrZCpj2ZYQ' }]);
  expect(aggregator.getAggregatedPresence('ada')).toBe('online'); // away 5 minutes after the comment

  await aggregator.close();
  await receiver.close();
  await emulator.close();
});
