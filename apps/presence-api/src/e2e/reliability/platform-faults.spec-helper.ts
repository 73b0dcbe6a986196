import type { LinkedInEmulator } from '@amo/presence-adapter-linkedin/testing';
import type { SlackEmulator } from '@amo/presence-adapter-slack/testing';
import type { GraphEmulator } from '@amo/presence-adapter-teams/testing';
import type { WhatsAppEmulator } from '@amo/presence-adapter-whatsapp/testing';
import type { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import { eventually, type RunningService } from '../harness.spec-helper';

/** The platform accounts of p-<platform>, one person per platform. */
export const IDS = {
  discord: '80351110224678912',
  slack: 'U0FAULT001',
  teams: '33333333-2222-4333-8444-555555555555',
  zoom: 'zoom-fault',
  whatsapp: '16505550142',
  linkedin: 'urn:li:person:faultLi01',
} as const;
export type Platform = keyof typeof IDS;
/** The platforms with a state the emulator holds (the faults' table); WhatsApp and LinkedIn only have signals. */
export type Faulted = 'discord' | 'slack' | 'teams' | 'zoom';
export type Polled = 'slack' | 'teams' | 'zoom';

/**
 * The service's platform clients in this suite: a 1 s timeout and a 1 s breaker cool-down (Tuning.platformHttp)
 * instead of the kit's 10 s and 30 s, so a hang is seen and recovered from in seconds of real time.
 */
export const HTTP_TUNING = { timeoutMs: 1000, breakerCooldownMs: 1000 };

const HOUR_MS = 3_600_000;
/** Meta and LinkedIn: a signature that does not match is 403, a missing one 401 (their handlers' documented answers). */
const SIGNATURE_MODES = [
  ['wrong-secret', 403],
  ['tampered', 403],
  ['none', 401],
] as const;

/**
 * One platform's webhook surface under attack: deliveries that must be refused (with the status the platform's
 * handler documents) and change nothing, one properly signed change that must show, then replays of genuine
 * deliveries that must change nothing.
 */
export interface WebhookCase {
  platform: Platform;
  prepare?(): Promise<void>;
  /** What is sent, the status it must be refused with, and how to send it. */
  forged: Array<[string, number, () => Promise<number>]>;
  genuine(): Promise<void>;
  replayed: Array<[string, () => Promise<number>]>;
  cleanup?(): Promise<void>;
}

export interface WebhookWorld {
  service(): RunningService;
  slack: SlackEmulator;
  zoom: ZoomEmulator;
  graph: GraphEmulator;
  whatsapp: WhatsAppEmulator;
  linkedin: LinkedInEmulator;
  presenceOf(platform: Platform): Promise<any>;
  seen(platform: Platform, status: string, timeoutMs?: number): Promise<void>;
}

/** The webhook cases, built against the running service and emulators. */
export function webhookCases(world: WebhookWorld): WebhookCase[] {
  return [slackCase(world), zoomCase(world), whatsappCase(world), linkedinCase(world), teamsCase(world)];
}

const url = (world: WebhookWorld, platform: Platform): string => `${world.service().url}/v1/webhooks/${platform}`;

function slackCase(world: WebhookWorld): WebhookCase {
  const { slack } = world;
  const nowSec = (): number => Math.floor(Date.now() / 1000);
  const dnd = (enabled: boolean) => ({ dnd_enabled: enabled, next_dnd_start_ts: nowSec() - 60, next_dnd_end_ts: nowSec() + 3600 });
  const event = (enabled: boolean) => ({ type: 'dnd_updated_user', user: IDS.slack, dnd_status: dnd(enabled) });
  let before = '';
  return {
    platform: 'slack',
    prepare: async () => {
      before = (await world.presenceOf('slack')).status;
    },
    forged: [
      ['signed with another secret', 401, async () => (await slack.deliverEvent(event(true), { signingSecret: 'not-the-signing-secret' })).status],
      ['without a signature', 401, async () => (await slack.deliverEvent(event(true), { signature: '' })).status],
    ],
    genuine: async () => {
      expect((await slack.setDnd(IDS.slack, dnd(true)))?.status).toBe(200);
      await world.seen('slack', 'busy');
    },
    // Slack signs the timestamp: a delivery captured an hour ago is outside its five minutes.
    replayed: [['a DND-off event captured an hour ago', async () => (await slack.deliverEvent(event(false), { timestamp: nowSec() - 3600 })).status]],
    cleanup: async () => {
      await slack.setDnd(IDS.slack, { dnd_enabled: false });
      await world.seen('slack', before);
    },
  };
}

function zoomCase(world: WebhookWorld): WebhookCase {
  const { zoom } = world;
  const change = { userId: IDS.zoom, status: 'Away' };
  let native = '';
  return {
    platform: 'zoom',
    prepare: async () => {
      native = zoom.user(IDS.zoom)?.status ?? 'Available';
    },
    forged: [
      ['signed with another secret', 401, async () => (await zoom.webhooks.sendPresence(url(world, 'zoom'), change, { misSign: true })).status],
      ['unsigned', 401, async () => (await zoom.webhooks.sendPresence(url(world, 'zoom'), change, { unsigned: true })).status],
    ],
    genuine: async () => {
      expect((await zoom.changeStatus(IDS.zoom, 'Away'))?.status).toBe(200);
      await world.seen('zoom', 'away');
    },
    // Zoom signs the timestamp too: an hour-old delivery is outside its window.
    replayed: [
      [
        'a delivery captured an hour ago',
        async () => (await zoom.webhooks.sendPresence(url(world, 'zoom'), { userId: IDS.zoom, status: 'Available' }, { timestampSec: Math.floor((Date.now() - HOUR_MS) / 1000) })).status,
      ],
    ],
    cleanup: async () => {
      zoom.setStatus(IDS.zoom, native);
      await world.seen('zoom', native === 'Available' ? 'online' : 'busy');
    },
  };
}

/**
 * Meta signs only the body, so a replay is well signed: what must hold is that an older act delivered again
 * (byte for byte) never moves the last-seen time back, and a duplicate of the newest changes nothing.
 */
function whatsappCase(world: WebhookWorld): WebhookCase {
  const { whatsapp } = world;
  const older = JSON.stringify(whatsapp.webhooks.messagePayload({ from: IDS.whatsapp, text: 'two hours ago', at: Date.now() - 2 * HOUR_MS }));
  let newest = '';
  return {
    platform: 'whatsapp',
    prepare: async () => {
      expect((await whatsapp.webhooks.deliver(url(world, 'whatsapp'), older)).status).toBe(200);
      await eventually(async () => (await world.presenceOf('whatsapp'))?.lastSeen !== undefined, 10_000, 50);
    },
    forged: SIGNATURE_MODES.map(([mode, status]) => [
      `a message now, signature ${mode}`,
      status,
      async () => (await whatsapp.webhooks.message(url(world, 'whatsapp'), { from: IDS.whatsapp, text: 'forged' }, mode)).status,
    ]),
    genuine: async () => {
      newest = JSON.stringify(whatsapp.webhooks.messagePayload({ from: IDS.whatsapp, text: 'now' }));
      expect((await whatsapp.webhooks.deliver(url(world, 'whatsapp'), newest)).status).toBe(200);
      await world.seen('whatsapp', 'online');
    },
    replayed: [
      ['the two-hour-old delivery again', async () => (await whatsapp.webhooks.deliver(url(world, 'whatsapp'), older)).status],
      ['the newest delivery again', async () => (await whatsapp.webhooks.deliver(url(world, 'whatsapp'), newest)).status],
    ],
  };
}

/** LinkedIn signs only the body too: the same replay rules as WhatsApp. */
function linkedinCase(world: WebhookWorld): WebhookCase {
  const { linkedin } = world;
  const older = JSON.stringify(linkedin.webhooks.batch([{ action: 'COMMENT', actor: IDS.linkedin, at: Date.now() - 2 * HOUR_MS }]));
  let newest = '';
  return {
    platform: 'linkedin',
    prepare: async () => {
      expect((await linkedin.webhooks.deliver(url(world, 'linkedin'), older)).status).toBeLessThan(300);
      await eventually(async () => (await world.presenceOf('linkedin'))?.lastSeen !== undefined, 10_000, 50);
    },
    forged: SIGNATURE_MODES.map(([mode, status]) => [
      `a comment now, signature ${mode}`,
      status,
      async () => (await linkedin.webhooks.actions(url(world, 'linkedin'), [{ action: 'COMMENT', actor: IDS.linkedin }], mode)).status,
    ]),
    genuine: async () => {
      newest = JSON.stringify(linkedin.webhooks.batch([{ action: 'COMMENT', actor: IDS.linkedin, text: 'just now' }]));
      expect((await linkedin.webhooks.deliver(url(world, 'linkedin'), newest)).status).toBeLessThan(300);
      await world.seen('linkedin', 'online');
    },
    replayed: [
      ['the two-hour-old delivery again', async () => (await linkedin.webhooks.deliver(url(world, 'linkedin'), older)).status],
      ['the newest delivery again', async () => (await linkedin.webhooks.deliver(url(world, 'linkedin'), newest)).status],
    ],
  };
}

/**
 * Graph does not sign notifications: each carries the clientState the subscriber chose, so Teams is connected
 * with a signed-in user's grant (the service subscribes), and a notification without our clientState is refused.
 */
function teamsCase(world: WebhookWorld): WebhookCase {
  const { graph } = world;
  let captured = '';
  const post = async (body: unknown): Promise<number> =>
    (await fetch(url(world, 'teams'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })).status;
  const notification = (subscriptionId: string, clientState: string) => ({
    value: [
      {
        subscriptionId,
        clientState,
        changeType: 'updated',
        tenantId: graph.tenant.tenantId,
        resource: `communications/presences/${IDS.teams}`,
        resourceData: { '@odata.id': `communications/presences/${IDS.teams}`, '@odata.type': '#microsoft.graph.presence', id: IDS.teams },
        subscriptionExpirationDateTime: new Date(Date.now() + HOUR_MS).toISOString(),
      },
    ],
  });
  const notifications = () => graph.deliveries.filter((delivery) => delivery.kind === 'notification' && delivery.status === 202);
  return {
    platform: 'teams',
    prepare: async () => {
      const delegated = graph.issueDelegatedToken();
      const { graph_base_url: _g, login_base_url: _l, ...app } = graph.credentials();
      const connected = await world.service().call('POST', '/v1/platforms/teams/connect', {
        body: { credentials: { ...app, delegated_access_token: delegated.accessToken, delegated_refresh_token: delegated.refreshToken, delegated_expires_at: delegated.expiresAt } },
      });
      expect(connected.status).toBe(200);
      await eventually(() => graph.subscriptions()[0], 10_000);
      // A genuine notification, captured to be replayed after a newer change.
      const count = notifications().length;
      graph.setPresence(IDS.teams, { availability: 'Busy', activity: 'InACall' });
      await graph.flushDeliveries();
      await eventually(() => notifications().length > count, 10_000);
      captured = JSON.stringify(notifications().at(-1)?.body);
      await world.seen('teams', 'busy');
    },
    forged: [
      ['our subscription, another clientState', 403, async () => post(notification(graph.subscriptions()[0].id, 'guessed-client-state'))],
      ['a subscription that is not ours', 403, async () => post(notification('6b7a0e58-1c2d-4e5f-8a9b-0c1d2e3f4a5b', 'guessed-client-state'))],
    ],
    genuine: async () => {
      graph.setPresence(IDS.teams, { availability: 'Away', activity: 'Away' });
      await graph.flushDeliveries();
      await world.seen('teams', 'away');
    },
    replayed: [['the Busy notification again, after Away', async () => post(captured)]],
  };
}
