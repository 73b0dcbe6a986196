import { exampleSuite } from '../../__fixtures__/example-platform/example.suite';
import { clearLeakedTimers, type Misbehaviour } from '../../__fixtures__/example-platform/example.adapter';
import { ContractViolation, NETWORK_CHECKS, skipEach, skipReason, type ContractCheckName } from './contract-types';
import { runContractCheck } from './run-adapter-contract';

// A failing `it` cannot be asserted from inside Jest, so these call the checks' functions directly and assert that
// each deliberately bad variant of the reference adapter is rejected with a ContractViolation naming the check.
describe('the contract suite fails a misbehaving adapter', () => {
  afterAll(clearLeakedTimers);

  const cases: Array<[Misbehaviour, ContractCheckName, RegExp]> = [
    ['ignore-retry-after', 'retry-after', /Retry-After ignored/],
    ['ignore-budget', 'budget', /over the declared budget/],
    ['leak-timer', 'close', /Timeout \+1/],
    ['swallow-errors', 'auth', /resolved/],
    ['swallow-errors', 'server-error', /resolved/],
    ['swallow-errors', 'timeout', /resolved/],
    ['wrong-status', 'statuses', /"dnd": got online, expected busy/],
    ['no-not-found', 'batch', /unknown id nobody missing from notFound/],
    ['no-retries', 'server-error', /not retried/],
    ['no-retries', 'connection-reset', /not retried/],
    ['lie-about-fields', 'capabilities', /undeclared field\(s\): activity/],
  ];

  it.each(cases)('%s fails the %s check', async (misbehave, check, message) => {
    const failure = await runContractCheck(exampleSuite(misbehave), check).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ContractViolation);
    expect((failure as ContractViolation).check).toBe(check);
    expect((failure as Error).message).toMatch(message);
  }, 15_000);

  it('the same checks pass for the well-behaved adapter', async () => {
    for (const check of ['retry-after', 'batch', 'statuses', 'close'] as const) {
      await expect(runContractCheck(exampleSuite(), check)).resolves.toBeUndefined();
    }
  }, 15_000);
});

describe('checks that must not blame the adapter for the suite', () => {
  it('close passes when startPush resolves at once (the race timer is the suite\'s own)', async () => {
    await expect(runContractCheck(exampleSuite(undefined, { push: true }), 'close')).resolves.toBeUndefined();
  });

  it('batch lets an inferred adapter leave unknown ids out, but not invent a status for them', async () => {
    await expect(runContractCheck(exampleSuite(undefined, { inferred: true }), 'batch')).resolves.toBeUndefined();
    await expect(runContractCheck(exampleSuite('invent-status', { inferred: true }), 'batch')).rejects.toThrow(
      /unknown id nobody got status online/,
    );
    await expect(runContractCheck(exampleSuite(undefined, { inferred: true }), 'capabilities')).resolves.toBeUndefined();
  });

  it('capabilities passes for push adapters too', async () => {
    await expect(runContractCheck(exampleSuite(undefined, { push: true }), 'capabilities')).resolves.toBeUndefined();
  });
});

describe('skipReason', () => {
  it('reads both the list and the reasoned form', () => {
    const base = exampleSuite();
    expect(skipReason(base, 'budget')).toBeUndefined();
    expect(skipReason({ ...base, skip: ['budget'] }, 'budget')).toBe('skipped by the adapter');
    expect(skipReason({ ...base, skip: { budget: 'webhook-only: no polling' } }, 'budget')).toBe('webhook-only: no polling');
    expect(skipReason({ ...base, skip: { budget: 'x' } }, 'close')).toBeUndefined();
  });

  it('skipEach gives several checks one reason; NETWORK_CHECKS are the failure checks and recovery', () => {
    const skip = { ...skipEach(NETWORK_CHECKS, 'no platform call'), budget: 'no budget spent' };
    const base = exampleSuite();
    expect(skipReason({ ...base, skip }, 'timeout')).toBe('no platform call');
    expect(skipReason({ ...base, skip }, 'recovery')).toBe('no platform call');
    expect(skipReason({ ...base, skip }, 'budget')).toBe('no budget spent');
    for (const check of ['capabilities', 'statuses', 'batch', 'close'] as const) expect(skipReason({ ...base, skip }, check)).toBeUndefined();
  });
});
