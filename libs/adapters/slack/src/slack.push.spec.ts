import type { PlatformPresence } from '@amo/presence-core';
import { EmulatorServer } from '@amo/presence-adapter-kit/testing';
import { createSlackAdapter, type SlackAdapter } from './slack.adapter';
import { SlackEmulator } from './testing';

const T0 = Date.UTC(2025, 5, 2, 9, 0, 0);
const sec = (ms: number) => Math.floor(ms / 1000);

describe('Events API pushes through the adapter', () => {
  let emulator: SlackEmulator;
  let app: EmulatorServer;
  let adapter: SlackAdapter;
  let pushed: PlatformPresence[];
  let eventsUrl: string;

  beforeEach(async () => {
    jest.useFakeTimers({ now: T0 });
    emulator = await SlackEmulator.start();
    emulator.addUser('U1', { presence: 'active' });
    emulator.addUser('U2', { presence: 'away' });
    adapter = createSlackAdapter({ botToken: emulator.botToken, baseUrl: emulator.baseUrl, signingSecret: emulator.signingSecret });
    // The service's webhook controller, reduced to what it does: hand the raw request to the adapter.
    app = await EmulatorServer.start();
    app.route('POST', '/slack/events', (req) => {
      const result = adapter.handleEvent({ headers: req.headers, rawBody: req.rawBody, method: req.method });
      return { status: result.status, body: result.body, headers: { 'content-type': result.contentType } };
    });
    eventsUrl = `${app.url}/slack/events`;
    pushed = [];
    adapter.setTrackedIds(['U1', 'U2']);
    await adapter.startPush({ presence: (record) => pushed.push(record), connection: () => undefined });
  });

  afterEach(async () => {
    await adapter.close();
    await app.close();
    await emulator.close();
    jest.useRealTimers();
  });

  it('answers url_verification, so Slack accepts the Request URL', async () => {
    const handshake = await emulator.verifyUrl(eventsUrl);
    expect(handshake).toMatchObject({ verified: true, status: 200 });
  });

  it('pushes complete records for status and DND changes, keeping the presence last read', async () => {
    await emulator.verifyUrl(eventsUrl);
    await adapter.fetchPresence(['U1', 'U2']);
    await jest.advanceTimersByTimeAsync(5_000);
    await emulator.setStatus('U1', { status_text: 'Commuting', status_emoji: ':bus:', status_expiration: 0 });
    expect(pushed.at(-1)).toEqual({
      platform: 'slack',
      accountId: 'U1',
      status: 'online',
      rawStatus: 'active',
      customMessage: ':bus: Commuting',
      observedAt: new Date(T0 + 5_000),
    });
    await emulator.setDnd('U2', { dnd_enabled: true, next_dnd_start_ts: sec(T0), next_dnd_end_ts: sec(T0) + 3600 });
    expect(pushed.at(-1)).toMatchObject({ accountId: 'U2', status: 'busy', rawStatus: 'away', activity: 'Do not disturb' });
    // The next poll sees the same state the pushes built.
    await jest.advanceTimersByTimeAsync(30_000);
    const { records } = await adapter.fetchPresence(['U1', 'U2']);
    expect(records.map((r) => [r.status, r.customMessage])).toEqual([
      ['online', ':bus: Commuting'],
      ['busy', undefined],
    ]);
  });

  it('rejects wrongly signed and replayed events, and they change nothing', async () => {
    await emulator.verifyUrl(eventsUrl);
    await adapter.fetchPresence(['U1']);
    const dnd = { type: 'dnd_updated_user', user: 'U1', dnd_status: { dnd_enabled: true, next_dnd_start_ts: sec(T0) - 1, next_dnd_end_ts: sec(T0) + 600 } };
    expect(await emulator.deliverEvent(dnd, { signingSecret: 'not-the-secret' })).toMatchObject({ status: 401 });
    expect(await emulator.deliverEvent(dnd, { timestamp: sec(T0) - 600 })).toMatchObject({ status: 401 });
    expect(await emulator.deliverEvent(dnd, { signature: 'v0=' + '0'.repeat(64) })).toMatchObject({ status: 401 });
    expect(pushed).toEqual([]);
    // A later, genuine status event shows the DND above never took hold.
    await emulator.setStatus('U1', { status_text: 'Here' });
    expect(pushed).toHaveLength(2);
    expect(pushed.every((record) => record.status === 'online')).toBe(true);
  });

  it('acknowledges events about people nobody tracks without keeping them', async () => {
    emulator.addUser('U3');
    emulator.subscribe(eventsUrl);
    await adapter.fetchPresence(['U1', 'U2']);
    expect(await emulator.setStatus('U3', { status_text: 'Hi' })).toMatchObject({ status: 200 });
    expect(pushed).toEqual([]);
  });

  it('stopPush: deliveries are still acknowledged but reach no sink until push starts again', async () => {
    emulator.subscribe(eventsUrl);
    await adapter.fetchPresence(['U1', 'U2']);
    await adapter.stopPush();
    // Slack must keep getting 2xx, or it disables the Request URL.
    expect(await emulator.setStatus('U1', { status_text: 'Stopped' })).toMatchObject({ status: 200 });
    expect(pushed).toEqual([]);
    await adapter.startPush({ presence: (record) => pushed.push(record), connection: () => undefined });
    await emulator.setDnd('U2', { dnd_enabled: true, next_dnd_start_ts: sec(T0), next_dnd_end_ts: sec(T0) + 3600 });
    expect(pushed).toHaveLength(1);
    expect(pushed[0]).toMatchObject({ accountId: 'U2', status: 'busy' });
  });

  it('stops accepting events once closed', async () => {
    await adapter.fetchPresence(['U1']);
    emulator.subscribe(eventsUrl);
    await adapter.close();
    await adapter.close();
    expect(await emulator.setStatus('U1', { status_text: 'Late' })).toMatchObject({ status: 401 });
    expect(pushed).toEqual([]);
  });

  it('refuses events when no signing secret is configured', async () => {
    await adapter.close();
    adapter = createSlackAdapter({ botToken: emulator.botToken, baseUrl: emulator.baseUrl });
    const result = await emulator.verifyUrl(eventsUrl);
    expect(result).toMatchObject({ verified: false, status: 401 });
    expect(adapter.capabilities.push).toBe(false);
  });
});
