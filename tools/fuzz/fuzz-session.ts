import { errorResponse } from '@amo/presence-contract';
import * as fc from 'fast-check';
import { type FuzzCase, fuzzCases, operationsOf, segment } from './fuzz-cases';
import type { Schema } from './schema-arbitraries';

/** People the session links before it starts (and again after a valid request erased them), with their accounts. */
export const FUZZ_PEOPLE: Record<string, Record<string, string>> = {
  alice: { slack: 'U0ALICE001', zoom: 'zoom-alice' },
  bob: { discord: '80351110224678912', teams: '11111111-2222-4333-8444-555555555555' },
  carol: { whatsapp: '16505551234', linkedin: 'urn:li:person:carol' },
};

/** A valid connect makes the service call the platform over the network: only its mutations are sent. */
export const VALID_SKIPPED = new Set(['connectPlatform']);

export interface FuzzOptions {
  url: string;
  token: string;
  document: Schema;
  seed: number;
  requests: number;
  /** Called after each case (progress in the long mode). */
  onCase?(index: number, fuzzCase: FuzzCase, status: number): void;
}

export interface FuzzReport {
  sent: number;
  byStatus: Record<string, number>;
  byVariant: Record<string, number>;
  /** Rejected requests whose stored state was read before and after. */
  storeChecks: number;
  problems: string[];
  elapsedMs: number;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function send(url: string, token: string, fuzzCase: Pick<FuzzCase, 'method' | 'path' | 'headers' | 'body'>): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...fuzzCase.headers };
  if (headers.authorization === '') delete headers.authorization;
  const response = await fetch(`${url}${fuzzCase.path}`, { method: fuzzCase.method, headers, body: fuzzCase.body, redirect: 'manual' });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

async function readJson(url: string, token: string, path: string): Promise<unknown> {
  const answer = await send(url, token, { method: 'GET', path, headers: {} });
  const body = answer.contentType.includes('json') ? JSON.parse(answer.text) : answer.text;
  // A refusal carries a fresh requestId each time: only its code says anything about the store.
  return answer.status >= 400 ? { status: answer.status, code: body?.error?.code } : { status: answer.status, body };
}

/** What the store holds, read back through the API: people, their links and preferences, keys, platforms. */
async function storeFingerprint(url: string, token: string, targets: readonly string[]): Promise<string> {
  const people: unknown[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const read = (await readJson(url, token, `/v1/users?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)) as { body: { users?: unknown[]; items?: unknown[]; nextCursor?: string | null } };
    people.push(read.body);
    cursor = read.body?.nextCursor ?? null;
    if (!cursor) break;
  }
  const keys = (await readJson(url, token, '/v1/api-keys')) as { body: { keys?: Record<string, unknown>[] } };
  const stableKeys = (keys.body?.keys ?? []).map(({ lastUsedAt: _used, ...key }) => key);
  const platforms = (await readJson(url, token, '/v1/platforms')) as { body: { platforms?: Record<string, any>[] } };
  const stablePlatforms = (platforms.body?.platforms ?? []).map((p) => [p.platform, p.connected, p.source, p.monitoring]);
  const perPerson = [];
  for (const id of new Set([...Object.keys(FUZZ_PEOPLE), ...targets])) {
    const path = segment(id);
    perPerson.push(id, await readJson(url, token, `/v1/users/${path}/identities`), await readJson(url, token, `/v1/users/${path}/preferences`));
  }
  return JSON.stringify({ people, keys: stableKeys, platforms: stablePlatforms, perPerson });
}

/** Links the seeded people; `strict` throws when one fails (at the start), later a valid request may hold an account. */
export async function seedPeople(url: string, token: string, strict = false): Promise<void> {
  for (const [id, links] of Object.entries(FUZZ_PEOPLE)) {
    const answer = await send(url, token, { method: 'PUT', path: `/v1/users/${id}/identities`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(links) });
    if (strict && answer.status !== 200) throw new Error(`seeding ${id}: ${answer.status} ${answer.text}`);
  }
}

/** What is wrong with one answer (undefined: nothing): 5xx, an undocumented status, a 4xx not in the error shape, a mutation accepted. */
export function judge(fuzzCase: FuzzCase, operation: Schema, answer: Answer): string | undefined {
  const where = () => `[${fuzzCase.kind}/${fuzzCase.variant}] ${fuzzCase.method} ${fuzzCase.path.slice(0, 120)} ${JSON.stringify(fuzzCase.headers)} ${String(fuzzCase.body ?? '').slice(0, 160)} -> ${answer.status} ${answer.text.slice(0, 200)}`;
  if (answer.status >= 500) return `5xx: ${where()}`;
  const documented = operation.responses?.[String(answer.status)] as Schema | undefined;
  if (!documented) return `undocumented status: ${where()}`;
  if (fuzzCase.mustReject && answer.status < 400) return `accepted what it must refuse: ${where()}`;
  if (answer.status >= 400) {
    const jsonDocumented = documented.content?.['application/json'] !== undefined;
    if (!answer.contentType.includes('application/json')) {
      if (jsonDocumented && !documented.content?.['text/plain'] && !documented.content?.['text/html']) return `4xx without the error shape (${answer.contentType}): ${where()}`;
      return undefined;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.text);
    } catch {
      return `4xx body does not parse: ${where()}`;
    }
    const shaped = errorResponse.safeParse(parsed);
    if (!shaped.success) return `4xx not in the error shape (${shaped.error.issues[0].path.join('.')}: ${shaped.error.issues[0].message}): ${where()}`;
  }
  return undefined;
}

/**
 * Sends `requests` generated cases (fixed `seed`) one at a time and judges every answer; before each non-GET it
 * reads what is stored, and after a refusal reads it again: a refused request must change nothing.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const operations = new Map(operationsOf(options.document).map((op) => [`${op.method} ${op.path}`, op.schema]));
  const byId = new Map([...operations.values()].map((schema) => [schema.operationId as string, schema]));
  const accounts = Object.values(FUZZ_PEOPLE).flatMap((links) => Object.values(links));
  const cases = fc.sample(fuzzCases(options.document, Object.keys(FUZZ_PEOPLE), accounts, VALID_SKIPPED), { seed: options.seed, numRuns: options.requests });
  const report: FuzzReport = { sent: 0, byStatus: {}, byVariant: {}, storeChecks: 0, problems: [], elapsedMs: 0 };
  await seedPeople(options.url, options.token, true);
  for (const [index, fuzzCase] of cases.entries()) {
    const writes = fuzzCase.method !== 'GET' && fuzzCase.method !== 'HEAD';
    const before = writes ? await storeFingerprint(options.url, options.token, fuzzCase.targets) : undefined;
    const answer = await send(options.url, options.token, fuzzCase);
    report.sent += 1;
    report.byStatus[answer.status] = (report.byStatus[answer.status] ?? 0) + 1;
    report.byVariant[fuzzCase.variant] = (report.byVariant[fuzzCase.variant] ?? 0) + 1;
    const problem = judge(fuzzCase, byId.get(fuzzCase.operationId) as Schema, answer);
    if (problem) report.problems.push(problem);
    if (before !== undefined && answer.status >= 400) {
      report.storeChecks += 1;
      const after = await storeFingerprint(options.url, options.token, fuzzCase.targets);
      if (after !== before) report.problems.push(`a refused request changed what is stored: [${fuzzCase.variant}] ${fuzzCase.method} ${fuzzCase.path.slice(0, 120)} -> ${answer.status}`);
    }
    // A valid erase or batch may remove the seeded people; put them back so mutations keep hitting stored rows.
    if (fuzzCase.kind === 'valid' && writes && answer.status < 300) await seedPeople(options.url, options.token);
    options.onCase?.(index, fuzzCase, answer.status);
  }
  report.elapsedMs = Date.now() - started;
  return report;
}

/** The contract the fuzzer reads: the committed file when present, else what the service serves at /docs-json. */
export async function loadDocument(url: string, committedPath?: string): Promise<Schema> {
  if (committedPath) {
    const { existsSync, readFileSync } = await import('node:fs');
    if (existsSync(committedPath)) return JSON.parse(readFileSync(committedPath, 'utf8')) as Schema;
  }
  const response = await fetch(`${url}/docs-json`);
  if (!response.ok) throw new Error(`GET /docs-json answered ${response.status}`);
  return (await response.json()) as Schema;
}
