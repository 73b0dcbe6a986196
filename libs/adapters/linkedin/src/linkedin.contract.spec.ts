import { NETWORK_CHECKS, runAdapterContract, serveWebhook, skipEach } from '@amo/presence-adapter-kit/testing';
import { LinkedInEmulator, type SocialAction } from './testing';
import { createLinkedInAdapter } from './linkedin.adapter';

/** LinkedIn has no status values; a "native status" here is a member's act and its age. */
interface ActNative {
  action: SocialAction;
  ageMs: number;
}

const NO_NETWORK_READ =
  'fetchPresence answers from received webhook acts and makes no LinkedIn call (there is no presence API); the same failures are mapped on connect() in linkedin.connect.spec.ts';

runAdapterContract({
  platform: 'linkedin',
  async setup(tuning) {
    const emulator = await LinkedInEmulator.start();
    const { accessToken } = emulator.issueToken();
    const adapter = createLinkedInAdapter(
      {
        credentials: { clientId: emulator.clientId, clientSecret: emulator.clientSecret, accessToken },
        oauthBaseUrl: emulator.oauthBaseUrl,
        apiBaseUrl: emulator.apiBaseUrl,
        timeoutMs: tuning.timeoutMs,
        maxRetries: tuning.maxRetries,
        backoff: tuning.backoff,
        breaker: tuning.breaker,
      },
      { budgets: tuning.budgets },
    );
    const receiver = await serveWebhook((request) => adapter.receiveWebhook(request));
    const knownIds = ['urn:li:person:yrZCpj2ZYQ', 'urn:li:person:bobBob123'];
    await emulator.webhooks.actions(receiver.url, knownIds.map((actor) => ({ action: 'COMMENT' as const, actor, at: Date.now() - 20 * 60_000 })));
    return {
      adapter,
      emulator: emulator.server,
      knownIds,
      unknownIds: ['urn:li:person:neverActed1'],
      async setStatus(accountId, native) {
        const { action, ageMs } = native as ActNative;
        const { status } = await emulator.webhooks.actions(receiver.url, [{ action, actor: accountId, at: Date.now() - ageMs, includeActorField: true }]);
        if (status !== 200) throw new Error(`webhook answered ${status}`);
      },
      async close() {
        await receiver.close();
        await emulator.close();
      },
    };
  },
  // Acts move lastSeen forward only, so the cases run from oldest to newest.
  statuses: [
    { native: { action: 'SHARE', ageMs: 10 * 60_000 }, expected: 'away', label: 'share 10 min ago' },
    { native: { action: 'SHARE_MENTION', ageMs: 8 * 60_000 }, expected: 'away', label: 'mention 8 min ago' },
    { native: { action: 'LIKE', ageMs: 4 * 60_000 }, expected: 'online', label: 'like (with actor) 4 min ago' },
    { native: { action: 'COMMENT_EDIT', ageMs: 2 * 60_000 }, expected: 'online', label: 'comment edit 2 min ago' },
    { native: { action: 'ADMIN_COMMENT', ageMs: 0 }, expected: 'online', label: 'admin comment is the Page, changes nothing' },
    { native: { action: 'COMMENT', ageMs: 1_000 }, expected: 'online', label: 'comment just now' },
  ],
  skip: {
    ...skipEach(NETWORK_CHECKS, NO_NETWORK_READ),
    budget: 'fetchPresence spends no budget; only connect() and token refresh call LinkedIn',
  },
});
