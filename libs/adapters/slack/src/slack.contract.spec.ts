import { runAdapterContract } from '@amo/presence-adapter-kit/testing';
import { createSlackAdapter } from './slack.adapter';
import { SLACK_BUCKETS } from './slack.manifest';
import { SlackEmulator } from './testing';

/** How the contract's statuses are scripted: a bare presence string, or presence with a DND window. */
type SlackNative = string | { presence: string; dndStartsInMs: number; dndEndsInMs: number };

runAdapterContract({
  platform: 'slack',
  async setup(tuning) {
    const slack = await SlackEmulator.start();
    const knownIds = slack.addUsers(3);
    // With a signing secret, so push is on and the close check also runs startPush (events: slack.push.spec.ts).
    const adapter = createSlackAdapter(
      {
        botToken: slack.botToken,
        signingSecret: slack.signingSecret,
        baseUrl: slack.baseUrl,
        timeoutMs: tuning.timeoutMs,
        maxRetries: tuning.maxRetries,
        backoff: tuning.backoff,
        breaker: tuning.breaker,
      },
      { budgets: tuning.budgets },
    );
    return {
      adapter,
      emulator: slack.server,
      knownIds,
      unknownIds: ['U0NOBODY01'],
      async setStatus(accountId: string, native: unknown) {
        const value = native as SlackNative;
        if (typeof value === 'string') {
          slack.setPresence(accountId, value);
          await slack.setDnd(accountId, { dnd_enabled: false });
          return;
        }
        const nowSec = Date.now() / 1000;
        slack.setPresence(accountId, value.presence);
        await slack.setDnd(accountId, {
          dnd_enabled: true,
          next_dnd_start_ts: Math.floor(nowSec + value.dndStartsInMs / 1000),
          next_dnd_end_ts: Math.floor(nowSec + value.dndEndsInMs / 1000),
        });
      },
      // Slack's own shapes: logical errors are HTTP 200 ok:false; only outages are 5xx.
      errorReplies: {
        unauthorized: { status: 200, json: { ok: false, error: 'invalid_auth' } },
        forbidden: { status: 200, json: { ok: false, error: 'missing_scope', needed: 'users:read', provided: 'chat:write' } },
        serverError: { status: 503, json: { ok: false, error: 'service_unavailable' } },
      },
      budgetMatchers: {
        [SLACK_BUCKETS.presence]: '/api/users.getPresence',
        [SLACK_BUCKETS.dnd]: '/api/dnd.teamInfo',
        [SLACK_BUCKETS.profile]: '/api/users.profile.get',
        [SLACK_BUCKETS.auth]: '/api/auth.test',
      },
    };
  },
  statuses: [
    { native: 'active', expected: 'online' },
    { native: 'away', expected: 'away' },
    { native: { presence: 'active', dndStartsInMs: -60_000, dndEndsInMs: 3_600_000 }, expected: 'busy', label: 'active with DND in force' },
    { native: { presence: 'away', dndStartsInMs: -60_000, dndEndsInMs: 3_600_000 }, expected: 'busy', label: 'away with DND in force' },
    { native: { presence: 'active', dndStartsInMs: 600_000, dndEndsInMs: 3_600_000 }, expected: 'online', label: 'active, DND starting later' },
  ],
  unrecognizedNative: 'lurking',
});
