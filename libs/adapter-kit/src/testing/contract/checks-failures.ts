import type { EmulatorReply } from '../emulator-types';
import type { AdapterContractSuite, ContractCheckName, ContractHarness } from './contract-types';
import { expectFailure, violation, withHarness } from './harness';

const DEFAULT_REPLIES: Record<'unauthorized' | 'forbidden' | 'serverError', EmulatorReply> = {
  unauthorized: { status: 401, json: { error: 'unauthorized', message: 'contract suite: bad credentials' } },
  forbidden: { status: 403, json: { error: 'forbidden', message: 'contract suite: missing permission' } },
  serverError: { status: 500, json: { error: 'internal', message: 'contract suite: outage' } },
};

function reply(h: ContractHarness, kind: keyof typeof DEFAULT_REPLIES): EmulatorReply {
  return h.errorReplies?.[kind] ?? DEFAULT_REPLIES[kind];
}

/** Requests one fetch of one known id may send for a failure that must not be retried (401 gets one refresh). */
const NON_RETRYABLE_MAX_REQUESTS = 4;

async function failureCheck(
  check: ContractCheckName,
  suite: AdapterContractSuite,
  script: (h: ContractHarness, timeoutMs: number) => void,
  code: 'AUTH_INVALID' | 'PERMISSION_DENIED' | 'RATE_LIMITED' | 'TRANSIENT' | 'PROTOCOL',
  extra?: (h: ContractHarness, error: { retryAfterMs?: number }, maxRetries: number) => string | undefined,
): Promise<void> {
  await withHarness(suite, async (h, tuning) => {
    h.emulator.reset();
    script(h, tuning.timeoutMs);
    const error = await expectFailure(check, suite, () => h.adapter.fetchPresence(h.knownIds.slice(0, 1)), code);
    const problem = extra?.(h, error, tuning.maxRetries);
    if (problem) throw violation(check, problem);
  });
}

const notRetried = (h: ContractHarness): string | undefined =>
  h.emulator.requests.length > NON_RETRYABLE_MAX_REQUESTS
    ? `a non-retryable failure was retried: ${h.emulator.requests.length} requests`
    : undefined;

const retried = (h: ContractHarness, _e: unknown, maxRetries: number): string | undefined =>
  h.emulator.requests.length < maxRetries + 1
    ? `a transient failure was not retried: ${h.emulator.requests.length} request(s), maxRetries ${maxRetries}`
    : undefined;

export const checkAuth = (suite: AdapterContractSuite): Promise<void> =>
  failureCheck('auth', suite, (h) => h.emulator.faults.failNext(Infinity, reply(h, 'unauthorized')), 'AUTH_INVALID', notRetried);

export const checkPermission = (suite: AdapterContractSuite): Promise<void> =>
  failureCheck('permission', suite, (h) => h.emulator.faults.failNext(Infinity, reply(h, 'forbidden')), 'PERMISSION_DENIED', notRetried);

export const checkServerError = (suite: AdapterContractSuite): Promise<void> =>
  failureCheck('server-error', suite, (h) => h.emulator.faults.failNext(Infinity, reply(h, 'serverError')), 'TRANSIENT', retried);

export const checkTimeout = (suite: AdapterContractSuite): Promise<void> =>
  failureCheck('timeout', suite, (h, timeoutMs) => h.emulator.faults.delayNext(Infinity, timeoutMs * 4), 'TRANSIENT', retried);

export const checkMalformed = (suite: AdapterContractSuite): Promise<void> =>
  failureCheck('malformed', suite, (h) => h.emulator.faults.malformedNext(Infinity), 'PROTOCOL');

export const checkConnectionReset = (suite: AdapterContractSuite): Promise<void> =>
  failureCheck('connection-reset', suite, (h) => h.emulator.faults.dropNext(Infinity), 'TRANSIENT', retried);

/** A 429 storm ends in RATE_LIMITED carrying retryAfterMs (the monitor needs it to reschedule). */
export const checkRateLimit = (suite: AdapterContractSuite): Promise<void> =>
  failureCheck('rate-limit', suite, (h) => h.emulator.faults.rateLimitNext(Infinity, 0), 'RATE_LIMITED', (_h, error) =>
    error.retryAfterMs === undefined ? 'RATE_LIMITED without retryAfterMs although the platform sent one' : undefined,
  );

/** One 429 with `Retry-After: 1`: the adapter waits at least that long, then succeeds. */
export async function checkRetryAfter(suite: AdapterContractSuite): Promise<void> {
  await withHarness(suite, async ({ adapter, emulator, knownIds }) => {
    emulator.reset();
    emulator.faults.rateLimitNext(1, 1);
    try {
      await adapter.fetchPresence(knownIds.slice(0, 1));
    } catch (error) {
      throw violation('retry-after', `a single 429 with Retry-After: 1 was not retried: ${String(error)}`);
    }
    const limited = emulator.requests.findIndex((r) => r.outcome === 'fault');
    const next = emulator.requests[limited + 1];
    if (limited < 0 || !next) throw violation('retry-after', 'the adapter never sent the request again after the 429');
    const waited = next.at - emulator.requests[limited].at;
    // 50 ms slack for clock granularity between the two stamps; ignoring Retry-After retries within the backoff.
    if (waited < 950) throw violation('retry-after', `retried ${waited} ms after a 429 asking for 1 s: Retry-After ignored`);
  });
}
