import type { Platform, PresenceAdapter, PresenceStatus } from '@amo/presence-core';
import type { RateBudgetRegistry } from '../../http/rate-budget';
import type { EmulatorServer } from '../emulator-server';
import type { EmulatorReply, RequestMatcher } from '../emulator-types';

/** The checks that script one platform failure under `fetchPresence` and the error it must map to. */
const FAILURE_CHECKS = ['auth', 'permission', 'rate-limit', 'retry-after', 'server-error', 'timeout', 'malformed', 'connection-reset'] as const;

/** Every check the contract suite runs, in order. */
export const CONTRACT_CHECKS = ['capabilities', 'statuses', 'batch', ...FAILURE_CHECKS, 'budget', 'recovery', 'close'] as const;

export type ContractCheckName = (typeof CONTRACT_CHECKS)[number];

/**
 * The failure checks and the recovery after an outage: they cannot apply to an adapter whose `fetchPresence` makes
 * no platform call (it answers from webhook signals it already received).
 */
export const NETWORK_CHECKS = [...FAILURE_CHECKS, 'recovery'] as const satisfies readonly ContractCheckName[];

/**
 * Settings the harness must pass into the adapter it builds (client options and `deps.budgets`), so the checks run in
 * milliseconds and can see what the adapter does with its budget.
 */
export interface ContractTuning {
  /** Per-call HTTP timeout. */
  timeoutMs: number;
  maxRetries: number;
  backoff: { baseMs: number; maxMs: number };
  breaker: { failureThreshold: number; cooldownMs: number };
  /** Pass as `deps.budgets`; the budget check pre-defines tighter buckets in it. */
  budgets: RateBudgetRegistry;
}

export const DEFAULT_TUNING: Omit<ContractTuning, 'budgets'> = {
  timeoutMs: 250,
  maxRetries: 1,
  backoff: { baseMs: 5, maxMs: 20 },
  breaker: { failureThreshold: 3, cooldownMs: 150 },
};

/** A started emulator and an adapter pointed at it; one per check, torn down after it. */
export interface ContractHarness {
  adapter: PresenceAdapter;
  emulator: EmulatorServer;
  /** Ids the emulator knows (at least two; more than `batchSize` also tests batching). */
  knownIds: readonly string[];
  /** Well-formed ids the emulator does not know (at least one). */
  unknownIds: readonly string[];
  /** Makes the emulator report `native` (whatever shape its platform uses) for `accountId`. */
  setStatus(accountId: string, native: unknown): void | Promise<void>;
  /** The platform's own shape of these failures; defaults are bare HTTP 401 / 403 / 500 with a JSON body. */
  errorReplies?: Partial<Record<'unauthorized' | 'forbidden' | 'serverError', EmulatorReply>>;
  /** Which emulator requests count against each declared bucket; required when the adapter declares several. */
  budgetMatchers?: Readonly<Record<string, RequestMatcher>>;
  /** Extra teardown (other servers); by default the suite closes `emulator`. Called after `adapter.close()`. */
  close?(): Promise<void>;
}

/** Checks the adapter cannot take part in, each with the reason (shown in the test title). */
export type ContractSkips = ReadonlyArray<ContractCheckName> | Readonly<Partial<Record<ContractCheckName, string>>>;

export interface AdapterContractSuite {
  platform: Platform;
  /** Starts the emulator and builds the adapter pointed at it with `tuning` applied. Must not call `connect()`. */
  setup(tuning: ContractTuning): Promise<ContractHarness>;
  /** Every native status the platform can send and what it must normalize to. */
  statuses: ReadonlyArray<{ native: unknown; expected: PresenceStatus; label?: string }>;
  /** A native value no table knows: must come back `unknown` with `unrecognized: true`. */
  unrecognizedNative?: unknown;
  skip?: ContractSkips;
  /** Jest timeout per check, default 15 000 ms. */
  testTimeoutMs?: number;
}

/** A check found the adapter breaking the contract (as opposed to the harness crashing). */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';

  constructor(
    readonly check: ContractCheckName,
    message: string,
  ) {
    super(`[${check}] ${message}`);
  }
}

/** Skips each of `checks` for the same reason, e.g. `{ ...skipEach(NETWORK_CHECKS, why), budget: '...' }`. */
export function skipEach(checks: readonly ContractCheckName[], reason: string): Partial<Record<ContractCheckName, string>> {
  return Object.fromEntries(checks.map((check) => [check, reason]));
}

/** The reason a check is skipped, or undefined when it runs. */
export function skipReason(suite: AdapterContractSuite, check: ContractCheckName): string | undefined {
  const skip = suite.skip;
  if (!skip) return undefined;
  if (Array.isArray(skip)) return skip.includes(check) ? 'skipped by the adapter' : undefined;
  return (skip as Partial<Record<ContractCheckName, string>>)[check];
}
