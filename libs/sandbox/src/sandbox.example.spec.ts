import { type Platform, PresenceAggregator } from '@amo/presence-core';
import { eventually } from './sandbox.spec-helper';
import { samplePeople, startSandbox } from './index';

// The README's example, with its printed lines turned into assertions.
describe('README example', () => {
  it('runs: six emulators, the real adapters, the core aggregator, a scripted change', async () => {
    const aggregator = new PresenceAggregator({ pollIntervalMs: 1000 });
    const people = samplePeople(4); // alice, bob, carol, dave
    for (const person of people) {
      for (const [platform, accountId] of Object.entries(person.accounts)) aggregator.directory.link(person.userId, platform as Platform, accountId);
    }
    const sandbox = await startSandbox({ people, changeEveryMs: 0, deliver: (platform, records) => aggregator.ingest(platform, records) });
    for (const adapter of Object.values(sandbox.createAdapters({ pollIntervalMs: 1000 }))) {
      await adapter.connect();
      aggregator.registerAdapter(adapter);
    }
    await aggregator.startMonitoring();
    try {
      const alice = await eventually(() => {
        const explained = aggregator.explain('alice');
        return Object.keys(explained.platforms).length === 5 ? explained : undefined;
      });
      expect(alice).toMatchObject({ status: 'online', available: true }); // online on Discord and WhatsApp, busy on Teams and Zoom
      expect(alice.platforms.teams?.status).toBe('busy');

      await sandbox.setStatus('alice', 'discord', 'dnd'); // pushed over the gateway
      await sandbox.setStatus('alice', 'zoom', 'Available'); // a signed webhook, then the next poll
      await eventually(() => aggregator.getUserPresence('alice').discord?.status === 'busy');
      await eventually(() => aggregator.getUserPresence('alice').zoom?.status === 'online');
    } finally {
      await aggregator.close();
      await sandbox.close();
    }
  });
});
