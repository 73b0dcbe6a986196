import { eventually } from '@amo/presence-adapter-kit/testing';
import type { ConnectionState, PlatformPresence, PresenceError, PushSink } from '@amo/presence-core';
import { createDiscordAdapter } from './discord.adapter';
import type { DiscordAdapter, DiscordAdapterConfig, DiscordAdapterDeps } from './discord.config';
import { DiscordGatewayEmulator, type DiscordEmulatorOptions } from './testing/discord.emulator';

// Captured before any test installs fake timers: polling for socket I/O needs real time.
const realSetTimeout = globalThis.setTimeout;

export const GUILD_A = '1100000000000000001';
export const GUILD_B = '1100000000000000002';
export const GUILD_C = '1100000000000000003';

/** Fake time for the adapter and emulator timers, real I/O (sockets and fetch stay on the real loop). */
export function useGatewayFakeTimers(): void {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'], now: 1_700_000_000_000 });
}

/** Waits for socket I/O until `predicate` holds, firing fake timers that are already due on the way. */
export async function until(predicate: () => boolean, what: string, realMs = 5_000): Promise<void> {
  await eventually(predicate, { what, timeoutMs: realMs, stepMs: 2, beforeStep: () => jestFakeTimersInstalled() && jest.advanceTimersByTimeAsync(0) });
}

function jestFakeTimersInstalled(): boolean {
  return typeof (setTimeout as unknown as { clock?: unknown }).clock === 'object';
}

/** Moves fake time forward in steps, letting socket I/O happen between them. */
export async function advance(ms: number, stepMs = Math.max(1, Math.floor(ms / 10))): Promise<void> {
  for (let done = 0; done < ms; done += stepMs) {
    await jest.advanceTimersByTimeAsync(Math.min(stepMs, ms - done));
    await new Promise((resolve) => realSetTimeout(resolve, 1));
  }
}

/** A PushSink that keeps what it is told. */
export class RecordingSink implements PushSink {
  readonly records: PlatformPresence[] = [];
  readonly states: Array<{ state: ConnectionState; error?: PresenceError }> = [];

  presence(record: PlatformPresence): void {
    this.records.push(record);
  }

  connection(state: ConnectionState, error?: PresenceError): void {
    this.states.push({ state, error });
  }

  latest(id: string): PlatformPresence | undefined {
    for (let i = this.records.length - 1; i >= 0; i -= 1) if (this.records[i]?.accountId === id) return this.records[i];
    return undefined;
  }

  lastState(): ConnectionState | undefined {
    return this.states[this.states.length - 1]?.state;
  }
}

export interface Harness {
  emulator: DiscordGatewayEmulator;
  adapter: DiscordAdapter;
  sink: RecordingSink;
  close(): Promise<void>;
}

/** An emulator with guilds, and an adapter pointed at it. */
export async function startHarness(
  options: {
    emulator?: DiscordEmulatorOptions;
    guildIds?: string[];
    config?: Partial<DiscordAdapterConfig>;
    deps?: DiscordAdapterDeps;
    seed?: (emulator: DiscordGatewayEmulator) => void;
  } = {},
): Promise<Harness> {
  const emulator = await DiscordGatewayEmulator.start({ heartbeatIntervalMs: 1_000, ...options.emulator });
  const guildIds = options.guildIds ?? [GUILD_A];
  for (const id of guildIds) emulator.addGuild(id);
  options.seed?.(emulator);
  const adapter = createDiscordAdapter(
    {
      credentials: { bot_token: emulator.token, guild_id: guildIds.join(',') },
      apiBaseUrl: emulator.apiBaseUrl,
      maxRetries: 0,
      ...options.config,
    },
    { random: () => 0.5, ...options.deps },
  );
  const sink = new RecordingSink();
  return {
    emulator,
    adapter,
    sink,
    close: async () => {
      await adapter.close();
      await emulator.close();
    },
  };
}
