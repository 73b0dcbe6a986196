import { allOperations, errorResponse, type OperationSpec } from '@amo/presence-contract';
import * as fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { webhookRoutes } from '../http/openapi-document';
import { PLATFORM_REGISTRY } from '../platforms/platform-registry';
import { bootService, type RunningService, tempDir } from './harness.spec-helper';
import { type GeneratedRequest, requestArbitrary, type Schema, SchemaArbitraries } from './openapi-arbitraries.spec-helper';

const document = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as Schema;
const arbitraries = new SchemaArbitraries(document.components.schemas);
const specs = new Map(allOperations({ webhooks: webhookRoutes(PLATFORM_REGISTRY) }).map((spec) => [spec.operationId, spec]));

/** Operations left out, and why: a valid connect reaches the real platform over the network. */
const SKIPPED: Record<string, string> = { connectPlatform: 'valid credentials make the service call the platform itself' };

const operations = Object.entries(document.paths as Record<string, Record<string, Schema>>)
  .flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })))
  .filter(({ operation }) => !(operation.operationId in SKIPPED));

const RUNS_PER_OPERATION = 10;

describe('the service answers what the committed OpenAPI document says (generated requests, fixed seed)', () => {
  const dir = tempDir();
  let service: RunningService;

  beforeAll(async () => {
    service = await bootService({ dataDir: dir.path, env: { PRESENCE_RATE_LIMIT: '1000000' } });
    await service.call('PUT', '/v1/users/alice/identities', { body: { slack: 'U-ALICE', zoom: 'z-alice' } });
  });

  afterAll(async () => {
    await service?.close();
    dir.remove();
  });

  /** What is wrong with one answer, or undefined: status documented, not refused as invalid, body of its schema. */
  function problem(spec: OperationSpec, operation: Schema, request: GeneratedRequest, answer: { status: number; body: unknown; text: string }, valid: boolean): string | undefined {
    const where = `${request.method} ${request.path} ${JSON.stringify(request.body)?.slice(0, 300)} -> ${answer.status} ${answer.text.slice(0, 300)}`;
    const documented = operation.responses[String(answer.status)] as Schema | undefined;
    if (!documented) return `undocumented status: ${where}`;
    if (valid && answer.status === 400) {
      const refusals = documented['x-domain-refusals'] as string[] | undefined;
      const code = (answer.body as { error?: { code?: string } } | undefined)?.error?.code;
      // A refusal the operation documents: a domain code in JSON, or (OAuth callback) the page saying why.
      const refused = refusals !== undefined && (code === undefined ? answer.body === undefined : refusals.includes(code));
      if (!refused) return `a valid request was refused as invalid: ${where}`;
    }
    const success = spec.responses[answer.status];
    const isJson = documented.content?.['application/json'] !== undefined && answer.body !== undefined;
    const schema = success?.schema ?? (answer.status >= 400 && isJson && !success?.contentType ? errorResponse : undefined);
    if (schema && spec.tag !== 'webhooks') {
      const parsed = schema.safeParse(answer.body);
      if (!parsed.success) return `body does not match its schema (${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}): ${where}`;
    }
    return undefined;
  }

  it('never refuses a schema-compliant request as invalid, and answers only documented statuses with documented bodies', async () => {
    const problems: string[] = [];
    for (const { path, method, operation } of operations) {
      const spec = specs.get(operation.operationId) as OperationSpec;
      await fc.assert(
        fc.asyncProperty(requestArbitrary(arbitraries, method, path, operation), async (request) => {
          const answer = await service.call(request.method, request.path, request.body === undefined ? {} : { body: request.body });
          const found = problem(spec, operation, request, answer, true);
          if (found) problems.push(found);
        }),
        { seed: 15, numRuns: RUNS_PER_OPERATION },
      );
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it('answers requests that break the schema with a documented 4xx in the error shape', async () => {
    const problems: string[] = [];
    const invalid: GeneratedRequest[] = [];
    for (const { path, method, operation } of operations) {
      const spec = specs.get(operation.operationId) as OperationSpec;
      if (spec.tag === 'webhooks' || spec.scope === null) continue;
      if (operation.requestBody) invalid.push({ method: method.toUpperCase(), path: path.replace(/\{(\w+)\}/g, (_, name) => (name === 'platform' ? 'slack' : 'alice')), body: [42] });
      if (path.includes('{platform}')) invalid.push({ method: method.toUpperCase(), path: path.replace('{platform}', 'myspace'), body: operation.requestBody?.required ? {} : undefined });
      if (path.includes('{userId}')) invalid.push({ method: method.toUpperCase(), path: path.replace('{userId}', 'x'.repeat(257)), body: operation.requestBody?.required ? {} : undefined });
    }
    expect(invalid.length).toBeGreaterThan(15);
    for (const request of invalid) {
      const operation = document.paths[request.path.replace(/\/(slack|myspace|alice|x{257})(?=\/|$)/, (segment) => (segment.includes('slack') || segment.includes('myspace') ? '/{platform}' : '/{userId}'))]?.[request.method.toLowerCase()] as Schema;
      const spec = specs.get(operation.operationId) as OperationSpec;
      const answer = await service.call(request.method, request.path, request.body === undefined ? {} : { body: request.body });
      if (answer.status !== 400) problems.push(`expected 400: ${request.method} ${request.path} -> ${answer.status} ${answer.text.slice(0, 200)}`);
      const found = problem(spec, operation, request, answer, false);
      if (found) problems.push(found);
    }
    expect(problems).toEqual([]);
  });
});
