import { isPresenceError, type FetchResult, type PresenceError, type PresenceErrorCode } from '@amo/presence-core';
import { RateBudgetRegistry } from '../../http/rate-budget';
import type { EmulatorServer } from '../emulator-server';
import {
  ContractViolation,
  DEFAULT_TUNING,
  type AdapterContractSuite,
  type ContractCheckName,
  type ContractHarness,
  type ContractTuning,
} from './contract-types';

export function defaultTuning(budgets = new RateBudgetRegistry()): ContractTuning {
  return { ...DEFAULT_TUNING, budgets };
}

/** Runs `fn` with a fresh harness and always tears it down: the adapter first, then the emulator. */
export async function withHarness<T>(
  suite: AdapterContractSuite,
  fn: (h: ContractHarness, tuning: ContractTuning) => Promise<T>,
  tuning: ContractTuning = defaultTuning(),
): Promise<T> {
  const h = await suite.setup(tuning);
  try {
    return await fn(h, tuning);
  } finally {
    await h.adapter.close().catch(() => undefined);
    await (h.close ? h.close() : h.emulator.close());
  }
}

export function violation(check: ContractCheckName, message: string): ContractViolation {
  return new ContractViolation(check, message);
}

/** Fetches and expects a PresenceError with `code` (and the suite's platform). */
export async function expectFailure(
  check: ContractCheckName,
  suite: AdapterContractSuite,
  fetch: () => Promise<FetchResult>,
  code: PresenceErrorCode,
): Promise<PresenceError> {
  let result: FetchResult;
  try {
    result = await fetch();
  } catch (error) {
    if (!isPresenceError(error)) {
      throw violation(check, `expected PresenceError ${code}, got a plain ${describe(error)}`);
    }
    if (error.code !== code) {
      throw violation(check, `expected PresenceError ${code}, got ${error.code}: ${error.message}`);
    }
    if (error.platform !== undefined && error.platform !== suite.platform) {
      throw violation(check, `error names platform ${error.platform}, expected ${suite.platform}`);
    }
    return error;
  }
  throw violation(check, `expected PresenceError ${code}, but fetchPresence resolved with ${result.records.length} record(s)`);
}

export function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return JSON.stringify(value);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Ref'd handles that keep the event loop alive, by type (timers, sockets, servers). */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/**
 * A baseline for leak checks that ignores what is only passing through: the fewest handles of each type seen
 * over a short settling window. A timer of an earlier test that ends later must not hide the adapter's own leak.
 */
export async function settledResources(windowMs = 300): Promise<Map<string, number>> {
  const least = activeResources();
  for (let waited = 0; waited < windowMs; waited += 25) {
    await delay(25);
    for (const [type, count] of activeResources()) least.set(type, Math.min(count, least.get(type) ?? count));
    for (const type of least.keys()) if (!activeResources().has(type)) least.set(type, 0);
  }
  return least;
}

const WATCHED = ['Timeout', 'TCPSocketWrap', 'TCPServerWrap', 'TCPWRAP', 'PipeWrap'];

/** Resource types that grew beyond the baseline, e.g. `Timeout +1`; empty when none did. */
export function leaksSince(baseline: Map<string, number>): string[] {
  const now = activeResources();
  return WATCHED.filter((type) => (now.get(type) ?? 0) > (baseline.get(type) ?? 0)).map(
    (type) => `${type} +${(now.get(type) ?? 0) - (baseline.get(type) ?? 0)}`,
  );
}

/** After close(): waits (up to 500 ms) for the emulator's connections to end; returns how many are still open. */
export async function connectionsAfterClose(emulator: Pick<EmulatorServer, 'openConnections'>): Promise<number> {
  for (let i = 0; i < 20 && emulator.openConnections() > 0; i++) await delay(25);
  return emulator.openConnections();
}

/**
 * After close(): waits (up to 1 s: sockets close on the next turns of the event loop) for the process's ref'd timers
 * and sockets to fall back to `baseline` (taken with {@link activeResources}); returns what is left, e.g. `Timeout +1`.
 */
export async function leaksAfterClose(baseline: Map<string, number>): Promise<string[]> {
  let leaks = leaksSince(baseline);
  for (let i = 0; i < 40 && leaks.length > 0; i++) {
    await delay(25);
    leaks = leaksSince(baseline);
  }
  return leaks;
}
