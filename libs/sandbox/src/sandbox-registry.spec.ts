import type { PlatformSandboxStarter, SandboxStartContext } from '@amo/presence-adapter-kit/testing';
import { slackPlatform } from '@amo/presence-adapter-slack';
import { InvalidInputError } from '@amo/presence-core';
import type { RegisteredPlatform } from './platform-registry';
import { startSandbox } from './start-sandbox';

/** A starter that records what the sandbox handed it; its "emulator" answers the given endpoints. */
function recordingStarter(endpoints: Record<string, string>) {
  const contexts: SandboxStartContext[] = [];
  let closed = 0;
  const starter: PlatformSandboxStarter = {
    natives: ['up', 'down'],
    accountId: (index) => `acct-${index + 1}`,
    samplePeople: { alice: 'up', bob: null },
    start: async (context) => {
      contexts.push(context);
      return {
        endpoints,
        credentials: { token: 'sandbox-token' },
        apply: async () => undefined,
        outage: () => undefined,
        createAdapter: () => {
          throw new Error('not built here');
        },
        close: async () => void closed++,
      };
    },
  };
  return { starter, contexts, closed: () => closed };
}

// A platform known only to this registry (core's names are closed, so it borrows slack's name and nothing else).
function platform(starter: PlatformSandboxStarter, webhooks = true): RegisteredPlatform {
  return {
    ...slackPlatform,
    endpoints: [{ key: 'fakeApi', env: 'FAKE_API_BASE_URL' }],
    webhooks: webhooks ? [{ method: 'POST', summary: 'fake deliveries' }] : [],
    parseCredentials: (record) => {
      if (typeof record.token !== 'string') throw new InvalidInputError('fake: token is required');
      return { ...record };
    },
    sandbox: starter,
  };
}

describe('the sandbox runs what a registry holds', () => {
  it('derives platforms, endpoints, credentials, people and webhook URLs from the registry', async () => {
    const fake = recordingStarter({ fakeApi: 'http://127.0.0.1:1' });
    const sandbox = await startSandbox({ registry: [platform(fake.starter)], publicUrl: 'http://127.0.0.1:9/', people: 3, changeEveryMs: 0 });
    try {
      expect(sandbox.platforms).toEqual(['slack']);
      expect(sandbox.baseUrls).toEqual({ fakeApi: 'http://127.0.0.1:1' });
      expect(sandbox.credentials).toEqual({ slack: { token: 'sandbox-token' } });
      expect(sandbox.people).toEqual([
        { userId: 'alice', accounts: { slack: 'acct-1' } },
        { userId: 'bob', accounts: { slack: 'acct-2' } },
        { userId: 'carol', accounts: { slack: 'acct-3' } },
      ]);
      expect(sandbox.nativeStatus('alice', 'slack')).toBe('up');
      expect(sandbox.nativeStatus('bob', 'slack')).toBeUndefined();
      expect(['up', 'down']).toContain(sandbox.nativeStatus('carol', 'slack'));
      expect(fake.contexts[0]).toMatchObject({ webhookUrl: 'http://127.0.0.1:9/v1/webhooks/slack', servicePush: true });
      expect(fake.contexts[0].accounts.map((account) => account.accountId)).toEqual(['acct-1', 'acct-2', 'acct-3']);
      expect(sandbox.webhookUrl('slack')).toBe('http://127.0.0.1:9/v1/webhooks/slack');
    } finally {
      await sandbox.close();
    }
    expect(fake.closed()).toBe(1);
  });

  it('sends no webhooks to a platform without webhook routes', async () => {
    const fake = recordingStarter({});
    const sandbox = await startSandbox({ registry: [platform(fake.starter, false)], publicUrl: 'http://127.0.0.1:9', changeEveryMs: 0 });
    await sandbox.close();
    expect(fake.contexts[0].webhookUrl).toBeUndefined();
    expect(sandbox.webhookUrl('slack')).toBeUndefined();
  });

  it('refuses a platform without a starter, and a starter its descriptor does not match (closing what started)', async () => {
    const fake = recordingStarter({ fakeApi: 'http://127.0.0.1:1' });
    await expect(startSandbox({ registry: [platform(fake.starter)], platforms: ['zoom'] })).rejects.toThrow(/zoom has no sandbox starter/);
    const stray = recordingStarter({ otherApi: 'http://127.0.0.1:1' });
    await expect(startSandbox({ registry: [platform(stray.starter)], changeEveryMs: 0 })).rejects.toThrow(/endpoints its descriptor does not have: otherApi/);
    expect(stray.closed()).toBe(1);
  });
});
