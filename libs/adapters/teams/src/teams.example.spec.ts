// The README's example, kept runnable (relative imports here; the README imports the package names).
import { StaticTokenProvider } from '@amo/presence-adapter-kit';
import { PresenceAggregator } from '@amo/presence-core';
import { eventually } from '@amo/presence-adapter-kit/testing';
import { GraphEmulator, graphTestEncryption, TeamsWebhookReceiver } from './testing';
import { createTeamsAdapter } from './index';

it('README example: polled, then pushed by a Graph change notification', async () => {
  const graph = await GraphEmulator.start();
  const [adaId] = graph.addUsers(1); // an Entra object id
  graph.setPresence(adaId, { availability: 'Available', activity: 'Available', statusMessage: '<p>Writing <b>specs</b></p>' });

  // The service's webhook controller, stood in for by a loopback receiver at {publicUrl}/v1/webhooks/teams.
  const receiver = await TeamsWebhookReceiver.start((request) => adapter.handleWebhook(request));

  const adapter = createTeamsAdapter({
    credentials: graph.credentials(), // { tenant_id, client_id, client_secret, graph_base_url, login_base_url }
    push: {
      delegatedAuth: new StaticTokenProvider(graph.issueDelegatedToken().accessToken), // a signed-in user's token
      publicUrl: receiver.publicUrl,
      encryption: graphTestEncryption(), // rich notifications; leave out for basic ones (the adapter re-reads)
      onSubscriptionsChanged: (saved) => void saved, // store these to resume after a restart (push.subscriptions)
    },
  });
  await adapter.connect(); // client credentials token + a probe: AUTH_INVALID / PERMISSION_DENIED surface here

  const aggregator = new PresenceAggregator();
  aggregator.directory.link('ada', 'teams', adaId);
  aggregator.registerAdapter(adapter);
  await aggregator.startMonitoring(['teams']); // first poll + subscriptions for the tracked ids
  await eventually(() => aggregator.getAggregatedPresence('ada') === 'online');
  expect(aggregator.getUserPresence('ada').teams?.customMessage).toBe('Writing specs');

  graph.setPresence(adaId, { availability: 'Busy', activity: 'InAMeeting' }); // Graph POSTs a notification
  await eventually(() => aggregator.getAggregatedPresence('ada') === 'busy');
  expect(aggregator.getUserPresence('ada').teams?.activity).toBe('In a meeting');

  await aggregator.close(); // closes the adapter: subscriptions deleted, timers cleared
  await receiver.close();
  await graph.close();
});
