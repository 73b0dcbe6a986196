import type { PlatformPresence } from '../model/presence';
import type { PushSink } from '../ports/adapter';
import { PresenceAggregator } from './presence-aggregator';
import { ScriptedAdapter } from './scripted-adapter.spec-helper';

const pushCapabilities = { freshness: 'push', poll: false, push: true, inferred: false, batchSize: 1, rateBudgets: [], fields: [] } as const;
const inferredCapabilities = { ...pushCapabilities, freshness: 'inferred', inferred: true } as const;

/** A person on Slack (polled, TTL 60 s), Zoom (push) and WhatsApp (inferred), on a clock the test moves. */
async function setup() {
  const clock = { at: 1_000_000, now: () => clock.at };
  const scheduler = { schedule: () => undefined, cancel: () => undefined, pending: () => [] };
  const aggregator = new PresenceAggregator({ clock, scheduler, cacheTtlMs: 60_000, pollIntervalMs: 20_000, recencyWindowMs: 300_000 });
  let zoomSink: PushSink | undefined;
  const zoom = new ScriptedAdapter('zoom', pushCapabilities);
  zoom.startPush = async (sink: PushSink) => {
    zoomSink = sink;
    sink.connection('up');
  };
  aggregator.registerAdapter(new ScriptedAdapter('slack'));
  aggregator.registerAdapter(zoom);
  aggregator.registerAdapter(new ScriptedAdapter('whatsapp', inferredCapabilities));
  aggregator.directory.link('alice', 'slack', 'U1');
  await aggregator.startMonitoring(['zoom', 'whatsapp']);
  const reading = (platform: PlatformPresence['platform'], accountId: string, status: PlatformPresence['status'], extra: Partial<PlatformPresence> = {}): PlatformPresence => ({
    platform, accountId, status, observedAt: new Date(clock.at), ...extra,
  });
  return { aggregator, clock, reading, zoomSink: () => zoomSink as PushSink };
}

describe('decided aggregates served again while they hold (issue 13)', () => {
  it('a served answer ends with the TTL, a status end time and recency decay, as a fresh decision would', async () => {
    const { aggregator, clock, reading } = await setup();
    aggregator.ingest('slack', [reading('slack', 'U1', 'busy', { expiresAt: new Date(clock.at + 30_000) })]);
    expect(aggregator.getAggregatedPresence('alice')).toBe('busy');
    clock.at += 29_999;
    expect(aggregator.getAggregatedPresence('alice')).toBe('busy');
    clock.at += 1;
    expect(aggregator.getAggregatedPresence('alice')).toBe('unknown');
    aggregator.ingest('slack', [reading('slack', 'U1', 'away')]);
    expect(aggregator.getAggregatedPresence('alice')).toBe('away');
    clock.at += 59_999;
    expect(aggregator.getAggregatedPresence('alice')).toBe('away');
    clock.at += 1;
    expect(aggregator.getAggregatedPresence('alice')).toBe('unknown');
    aggregator.directory.link('alice', 'whatsapp', '+1555');
    aggregator.ingest('whatsapp', [reading('whatsapp', '+1555', 'online', { lastSeen: new Date(clock.at) })]);
    expect(aggregator.getAggregatedPresence('alice')).toBe('online');
    clock.at += 300_001;
    expect(aggregator.getAggregatedPresence('alice')).toBe('away');
  });

  it('a connection going down, a policy change and a new link each change the next answer and its counts', async () => {
    const { aggregator, reading, zoomSink } = await setup();
    aggregator.directory.link('alice', 'zoom', 'z1');
    aggregator.ingest('zoom', [reading('zoom', 'z1', 'busy')]);
    aggregator.ingest('slack', [reading('slack', 'U1', 'online')]);
    expect(aggregator.getAggregatedPresence('alice')).toBe('online');
    aggregator.setDefaultPolicy('busy-wins');
    expect(aggregator.getAggregatedPresence('alice')).toBe('busy');
    zoomSink().connection('down');
    expect(aggregator.getAggregatedPresence('alice')).toBe('online');
    expect(aggregator.getPresenceStatistics().cache).toMatchObject({ hits: 5, misses: 1 });
    aggregator.directory.link('alice', 'discord', 'd1');
    // Discord is linked with no reading yet (no adapter: polled by default): one more miss on every read.
    aggregator.getAggregatedPresence('alice');
    aggregator.getAggregatedPresence('alice');
    expect(aggregator.getPresenceStatistics().cache).toMatchObject({ hits: 7, misses: 5 });
  });

  it('a person forgotten, then someone new on the reused row, is never answered from the old decision', async () => {
    const { aggregator, reading } = await setup();
    aggregator.ingest('slack', [reading('slack', 'U1', 'online')]);
    expect(aggregator.getAggregatedPresence('alice')).toBe('online');
    aggregator.directory.unlink('alice');
    aggregator.forget('alice');
    aggregator.directory.link('bob', 'slack', 'U2');
    expect(aggregator.getAggregatedPresence('bob')).toBe('unknown');
    expect(aggregator.getAggregatedPresence('alice')).toBe('unknown');
  });
});
