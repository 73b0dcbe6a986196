import { type Platform, PresenceAggregator } from '@amo/presence-core';
import { type Sandbox, samplePeople, startSandbox } from '@amo/presence-sandbox';
import type { DemoOptions } from './demo-options';
import { type DemoOutput, LiveScreen } from './live-screen';

const POLL_MS = 2_000;
/** Slack allows about 50 presence reads a minute: a longer step reads more people at a time. */
const SLACK_POLL_MS = 6_000;
const CHANGE_EVERY_MS = 3_000;
const FIRST_READINGS_MS = 15_000;

/**
 * The demo, using the libraries the way any app would: the sandbox's emulators, the real adapters built from
 * the adapter libraries, and core's PresenceAggregator. No Nest. Resolves when `--once` printed its table, when
 * `--duration` is up, or when `stop` resolves (Ctrl-C).
 */
export async function runDemo(options: DemoOptions, out: DemoOutput, stop: Promise<void> = new Promise(() => undefined)): Promise<void> {
  const aggregator = new PresenceAggregator({ pollIntervalMs: POLL_MS, pollIntervalsMs: { slack: SLACK_POLL_MS }, defaultPolicy: options.policy });

  // People are linked before the sandbox starts: WhatsApp and LinkedIn signals are delivered as it starts.
  const people = samplePeople(options.people, options.platforms);
  for (const person of people) {
    for (const [platform, accountId] of Object.entries(person.accounts) as [Platform, string][]) aggregator.directory.link(person.userId, platform, accountId);
  }
  // Webhooks from the emulators are verified by the adapter libraries' handlers, then ingested.
  const sandbox = await startSandbox({ people, platforms: options.platforms, changeEveryMs: 0, deliver: (platform, records) => aggregator.ingest(platform, records) });
  const screen = new LiveScreen(out, aggregator, people.map((person) => person.userId), options.platforms, options.policy);
  try {
    for (const adapter of Object.values(sandbox.createAdapters({ pollIntervalMs: SLACK_POLL_MS }))) {
      await adapter.connect();
      aggregator.registerAdapter(adapter);
    }
    await aggregator.startMonitoring(); // first polls at once; Discord's gateway sends everyone's state
    await firstReadings(aggregator, sandbox);
    screen.draw();
    if (options.once) return;

    aggregator.addPresenceListener((userId, platform, presence) => screen.changed(userId, platform, presence));
    sandbox.startChanges(CHANGE_EVERY_MS);
    const timers: ReturnType<typeof setTimeout>[] = [];
    const ticker = setInterval(() => screen.terminal && screen.draw(), 1000); // the clock, and WhatsApp/LinkedIn decay
    const elapsed = options.durationMs === undefined ? new Promise<void>(() => undefined) : new Promise<void>((resolve) => timers.push(setTimeout(resolve, options.durationMs)));
    await Promise.race([stop, elapsed]);
    clearInterval(ticker);
    timers.forEach(clearTimeout);
    screen.stop();
    screen.draw();
  } finally {
    await aggregator.close();
    await sandbox.close();
  }
}

/** Waits (briefly) until every linked account that can have a reading has one, so the first table is full. */
async function firstReadings(aggregator: PresenceAggregator, sandbox: Sandbox): Promise<void> {
  const expected = sandbox.people.flatMap((person) =>
    (Object.keys(person.accounts) as Platform[])
      // A WhatsApp/LinkedIn account never heard from has no reading, and never will until a signal comes.
      .filter((platform) => sandbox.nativeStatus(person.userId, platform) !== undefined)
      .map((platform) => [person.userId, platform] as const),
  );
  const deadline = Date.now() + FIRST_READINGS_MS;
  while (Date.now() < deadline && !expected.every(([userId, platform]) => aggregator.getUserPresence(userId)[platform])) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
