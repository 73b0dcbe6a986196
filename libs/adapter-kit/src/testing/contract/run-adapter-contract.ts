import { checkBatch, checkCapabilities, checkStatuses } from './checks-data';
import {
  checkAuth,
  checkConnectionReset,
  checkMalformed,
  checkPermission,
  checkRateLimit,
  checkRetryAfter,
  checkServerError,
  checkTimeout,
} from './checks-failures';
import { checkBudget, checkClose, checkRecovery } from './checks-load';
import { CONTRACT_CHECKS, skipReason, type AdapterContractSuite, type ContractCheckName } from './contract-types';

/** Each check as a function that rejects with a ContractViolation when the adapter breaks the contract. */
export const contractChecks: Readonly<Record<ContractCheckName, (suite: AdapterContractSuite) => Promise<void>>> = {
  capabilities: checkCapabilities,
  statuses: checkStatuses,
  batch: checkBatch,
  auth: checkAuth,
  permission: checkPermission,
  'rate-limit': checkRateLimit,
  'retry-after': checkRetryAfter,
  'server-error': checkServerError,
  timeout: checkTimeout,
  malformed: checkMalformed,
  'connection-reset': checkConnectionReset,
  budget: checkBudget,
  recovery: checkRecovery,
  close: checkClose,
};

const TITLES: Readonly<Record<ContractCheckName, string>> = {
  capabilities: 'declares its capabilities truthfully',
  statuses: 'normalizes every native status it can receive',
  batch: 'returns one record per known id and reports unknown ids as not found',
  auth: 'maps 401 to AUTH_INVALID without retrying',
  permission: 'maps 403 to PERMISSION_DENIED without retrying',
  'rate-limit': 'maps a 429 storm to RATE_LIMITED with retryAfterMs',
  'retry-after': 'waits out Retry-After before retrying',
  'server-error': 'maps 5xx to TRANSIENT after retrying',
  timeout: 'maps timeouts to TRANSIENT after retrying',
  malformed: 'maps malformed JSON to PROTOCOL',
  'connection-reset': 'maps connection resets to TRANSIENT after retrying',
  budget: 'never exceeds its declared budget while fetching many ids',
  recovery: 'recovers after the platform recovers',
  close: 'close() leaves no timers or sockets',
};

/** Runs one check by name (what runAdapterContract's `it` blocks call). */
export function runContractCheck(suite: AdapterContractSuite, check: ContractCheckName): Promise<void> {
  return contractChecks[check](suite);
}

/**
 * Defines the contract suite's describe/it blocks; call it at the top level of `<platform>.contract.spec.ts`.
 * Skipped checks show up as skipped tests with their reason.
 */
export function runAdapterContract(suite: AdapterContractSuite): void {
  describe(`${suite.platform} adapter contract`, () => {
    for (const check of CONTRACT_CHECKS) {
      const reason = skipReason(suite, check);
      if (reason !== undefined) {
        it.skip(`${check}: ${TITLES[check]} (skipped: ${reason})`, () => undefined);
        continue;
      }
      it(`${check}: ${TITLES[check]}`, () => runContractCheck(suite, check), suite.testTimeoutMs ?? 15_000);
    }
  });
}
