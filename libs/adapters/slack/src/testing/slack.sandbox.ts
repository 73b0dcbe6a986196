import { httpOutage, type PlatformSandboxStarter, statusOf, SANDBOX_LOG_LIMIT } from '@amo/presence-adapter-kit/testing';
import type { SlackDndWindow } from '@amo/presence-core';
import { createSlackAdapter } from '../slack.adapter';
import { handleSlackEvent } from '../slack.events';
import { SlackEmulator } from './slack.emulator';

const NO_DND: SlackDndWindow = { dnd_enabled: false };

/** Do Not Disturb from a minute ago for an hour: in force now, as a person who just paused notifications. */
function dndNow(nowMs: number): SlackDndWindow {
  const now = Math.floor(nowMs / 1000);
  return { dnd_enabled: true, next_dnd_start_ts: now - 60, next_dnd_end_ts: now + 3600 };
}

/**
 * Slack in the sandbox: the Web API emulator. `active` and `away` are presence, which Slack never pushes, so the
 * adapter's sweep reads them; `dnd` is a DND window, which Slack announces as a signed `dnd_updated_user` event.
 */
export const slackSandbox: PlatformSandboxStarter = {
  natives: ['active', 'away', 'dnd'],
  accountId: (index) => `U0SBX${String(index + 1).padStart(4, '0')}`,
  samplePeople: { alice: 'away', bob: 'active', dave: 'away', erin: 'dnd' },
  async start(ctx) {
    const emulator = await SlackEmulator.start({ clock: ctx.clock });
    emulator.limitLogs(SANDBOX_LOG_LIMIT);
    for (const { userId, accountId, native = 'active' } of ctx.accounts) {
      const dnd = native === 'dnd';
      emulator.addUser(accountId, { name: userId, presence: dnd ? 'active' : native, dnd: dnd ? dndNow(ctx.clock.now()) : NO_DND });
    }
    // Subscribed after the initial state, so only later changes are delivered.
    emulator.subscribe(ctx.webhookUrl);
    let down = false;

    async function setDnd(accountId: string, dnd: SlackDndWindow): Promise<number | undefined> {
      if (!down) return statusOf(emulator.setDnd(accountId, dnd));
      // A platform that is down sends no events: the change is there for the next read, silently.
      emulator.subscribe(undefined);
      await emulator.setDnd(accountId, dnd);
      emulator.subscribe(ctx.webhookUrl);
      return undefined;
    }

    return {
      endpoints: { slackApi: emulator.baseUrl },
      credentials: { bot_token: emulator.botToken, signing_secret: emulator.signingSecret },
      async apply(accountId, native) {
        if (!emulator.user(accountId)) emulator.addUser(accountId);
        if (native === 'dnd') return setDnd(accountId, dndNow(ctx.clock.now()));
        emulator.setPresence(accountId, native);
        return emulator.user(accountId)?.dnd.dnd_enabled ? setDnd(accountId, NO_DND) : undefined;
      },
      outage(on) {
        down = on;
        httpOutage(emulator.server, on, { status: 503, json: { ok: false, error: 'service_unavailable' } });
      },
      receive(request) {
        // Events carry no presence; the receiver knows it from the emulator, as the adapter knows it from its sweep.
        const known = (accountId: string) => {
          const presence = emulator.user(accountId)?.presence;
          return presence === undefined ? undefined : { presence, presenceAt: 0 };
        };
        const result = handleSlackEvent(request, { signingSecret: emulator.signingSecret }, ctx.clock, known);
        return { status: result.status, body: result.body, contentType: result.contentType, records: result.records };
      },
      createAdapter: (deps) =>
        createSlackAdapter(
          {
            botToken: emulator.botToken,
            signingSecret: emulator.signingSecret,
            baseUrl: emulator.baseUrl,
            pollIntervalMs: deps.pollIntervalMs,
            maxRetries: deps.maxRetries,
            breaker: deps.breaker,
            backoff: deps.backoff,
          },
          { clock: deps.clock, fetch: deps.fetch, budgets: deps.budgets, random: deps.random },
        ),
      close: () => emulator.close(),
    };
  },
};
