import { PRESENCE_STATUSES, type AdapterCapabilities, type PlatformPresence, type PresenceField } from '@amo/presence-core';
import type { AdapterContractSuite } from './contract-types';
import { violation, withHarness } from './harness';

const FIELDS: readonly PresenceField[] = ['activity', 'customMessage', 'lastSeen', 'devices', 'expiresAt', 'sequence'];

/** Optional fields a record fills that the capabilities do not declare. */
function undeclaredFields(records: readonly PlatformPresence[], caps: AdapterCapabilities): string[] {
  const found = new Set<string>();
  for (const record of records) {
    for (const field of FIELDS) if (record[field] !== undefined && !caps.fields.includes(field)) found.add(field);
  }
  return [...found];
}

/** The declaration is well-formed and matches what fetchPresence, startPush and health really do. */
export async function checkCapabilities(suite: AdapterContractSuite): Promise<void> {
  await withHarness(suite, async ({ adapter, emulator, knownIds }) => {
    const caps = adapter.capabilities;
    const problems: string[] = [];
    if (adapter.platform !== suite.platform) problems.push(`platform is ${adapter.platform}, expected ${suite.platform}`);
    if (!Number.isInteger(caps.batchSize) || caps.batchSize < 1) problems.push(`batchSize ${caps.batchSize} is not a positive integer`);
    if (caps.inferred !== (caps.freshness === 'inferred')) problems.push(`inferred=${caps.inferred} but freshness=${caps.freshness}`);
    if (caps.push && typeof adapter.startPush !== 'function') problems.push('declares push but has no startPush');
    if (caps.freshness === 'push' && !caps.push) problems.push('freshness push without push');
    if (caps.freshness === 'poll' && !caps.poll) problems.push('freshness poll without poll');
    if (caps.idsPerMinute !== undefined && !(caps.idsPerMinute > 0)) problems.push(`idsPerMinute ${caps.idsPerMinute} is not positive`);
    for (const field of caps.fields) if (!FIELDS.includes(field)) problems.push(`unknown field ${field}`);
    for (const budget of caps.rateBudgets) {
      if (!budget.bucket.startsWith(`${suite.platform}:`)) problems.push(`bucket ${budget.bucket} is not scoped as ${suite.platform}:...`);
      if (!(budget.limit > 0) || !(budget.windowMs > 0)) problems.push(`bucket ${budget.bucket} has no positive limit/window`);
    }
    if (caps.poll && caps.rateBudgets.length === 0) problems.push('polls but declares no rate budget');
    // A warm-up fetch first, so an adapter that connects lazily on first use is judged on its steady state.
    await adapter.fetchPresence(knownIds).catch(() => undefined);
    emulator.reset();
    const result = await adapter.fetchPresence(knownIds);
    const calls = emulator.requests.length;
    if (caps.poll && calls === 0) problems.push('declares poll but fetchPresence made no request to the platform');
    if (!caps.poll && calls > 0) problems.push(`declares no poll but fetchPresence made ${calls} request(s)`);
    const undeclared = undeclaredFields(result.records, caps);
    if (undeclared.length > 0) problems.push(`fills undeclared field(s): ${undeclared.join(', ')}`);
    if (adapter.health) {
      const health = adapter.health();
      if (!['closed', 'open', 'half-open'].includes(health.breaker)) problems.push(`health().breaker is ${health.breaker}`);
      if (!Array.isArray(health.budgets) || typeof health.retries !== 'number') problems.push('health() lacks budgets or retries');
    }
    if (problems.length > 0) throw violation('capabilities', problems.join('; '));
  });
}

/** Every native status the platform can send normalizes to the expected status, with the record well-formed. */
export async function checkStatuses(suite: AdapterContractSuite): Promise<void> {
  await withHarness(suite, async ({ adapter, knownIds, setStatus }) => {
    const id = knownIds[0];
    const problems: string[] = [];
    const records: PlatformPresence[] = [];
    const cases = suite.statuses.map((c) => ({ ...c, unrecognized: false }));
    if (suite.unrecognizedNative !== undefined) {
      cases.push({ native: suite.unrecognizedNative, expected: 'unknown', label: 'unrecognized value', unrecognized: true });
    }
    if (suite.statuses.length === 0) problems.push('the suite lists no native statuses');
    for (const c of cases) {
      const label = c.label ?? JSON.stringify(c.native);
      await setStatus(id, c.native);
      const { records: got } = await adapter.fetchPresence([id]);
      const record = got.find((r) => r.accountId === id);
      if (!record) {
        problems.push(`${label}: no record for ${id}`);
        continue;
      }
      records.push(record);
      if (record.status !== c.expected) problems.push(`${label}: got ${record.status}, expected ${c.expected}`);
      if (!PRESENCE_STATUSES.includes(record.status)) problems.push(`${label}: status ${record.status} is not in the vocabulary`);
      if (record.platform !== suite.platform) problems.push(`${label}: record platform ${record.platform}`);
      if (!(record.observedAt instanceof Date) || Number.isNaN(record.observedAt.getTime())) problems.push(`${label}: observedAt is not a Date`);
      if (Boolean(record.unrecognized) !== c.unrecognized) problems.push(`${label}: unrecognized=${record.unrecognized}, expected ${c.unrecognized}`);
    }
    const undeclared = undeclaredFields(records, adapter.capabilities);
    if (undeclared.length > 0) problems.push(`fills undeclared field(s): ${undeclared.join(', ')}`);
    if (problems.length > 0) throw violation('statuses', problems.join('; '));
  });
}

/** One record per known id, unknown ids in notFound (never thrown), nothing sent for an empty list. */
export async function checkBatch(suite: AdapterContractSuite): Promise<void> {
  await withHarness(suite, async ({ adapter, emulator, knownIds, unknownIds }) => {
    const problems: string[] = [];
    emulator.reset();
    const empty = await adapter.fetchPresence([]);
    if (empty.records.length > 0 || empty.notFound.length > 0) problems.push('fetchPresence([]) returned something');
    if (emulator.requests.length > 0) problems.push(`fetchPresence([]) made ${emulator.requests.length} request(s)`);
    const asked = [...knownIds, ...unknownIds];
    const { records, notFound } = await adapter.fetchPresence(asked);
    for (const id of knownIds) {
      const n = records.filter((r) => r.accountId === id).length;
      if (n !== 1) problems.push(`known id ${id}: ${n} records`);
      if (notFound.includes(id)) problems.push(`known id ${id} reported not found`);
    }
    // An inferred platform cannot tell "no such account" from "never heard from": it may leave an unknown id out
    // of both lists, or report it unknown, but never with a real status.
    const inferred = adapter.capabilities.inferred;
    for (const id of unknownIds) {
      const record = records.find((r) => r.accountId === id);
      if (inferred) {
        if (record && record.status !== 'unknown') problems.push(`unknown id ${id} got status ${record.status}`);
        continue;
      }
      if (!notFound.includes(id)) problems.push(`unknown id ${id} missing from notFound`);
      if (record) problems.push(`unknown id ${id} got a record`);
    }
    const stray = records.filter((r) => !asked.includes(r.accountId)).map((r) => r.accountId);
    if (stray.length > 0) problems.push(`records for ids not asked for: ${stray.join(', ')}`);
    if (new Set(notFound).size !== notFound.length) problems.push('notFound has duplicates');
    if (problems.length > 0) throw violation('batch', problems.join('; '));
  });
}
