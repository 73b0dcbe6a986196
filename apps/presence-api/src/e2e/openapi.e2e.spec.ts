import { allOperations } from '@amo/presence-contract';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import { REGENERATE_OPENAPI, webhookRoutes } from '../http/openapi-document';
import { PLATFORM_REGISTRY } from '../platforms/platform-registry';
import { bootService, type RunningService, tempDir } from './harness.spec-helper';
import { listRoutes } from './routes.spec-helper';

const COMMITTED = join(__dirname, '..', '..', 'openapi.json');

/** Response bodies openapi-typescript typed as unknown or never (a 204 has none), as `operationId status media`. */
function untypedResponseBodies(source: string): string[] {
  const file = ts.createSourceFile('api.d.ts', source, ts.ScriptTarget.ES2022, true);
  const operations = file.statements.find((node): node is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(node) && node.name.text === 'operations');
  if (!operations) return ['no operations interface'];
  const member = (node: ts.TypeNode | undefined, name: string) =>
    node && ts.isTypeLiteralNode(node) ? node.members.find((m): m is ts.PropertySignature => ts.isPropertySignature(m) && m.name.getText().replace(/"/g, '') === name) : undefined;
  const problems: string[] = [];
  for (const operation of operations.members.filter(ts.isPropertySignature)) {
    const responses = member(operation.type, 'responses')?.type;
    if (!responses || !ts.isTypeLiteralNode(responses)) {
      problems.push(`${operation.name.getText()}: no responses`);
      continue;
    }
    for (const response of responses.members.filter(ts.isPropertySignature)) {
      const status = response.name.getText();
      const content = member(response.type, 'content')?.type;
      if (status === '204') continue;
      if (!content || !ts.isTypeLiteralNode(content)) {
        problems.push(`${operation.name.getText()} ${status}: content ${content?.getText() ?? 'missing'}`);
        continue;
      }
      for (const media of content.members.filter(ts.isPropertySignature)) {
        const type = media.type?.getText();
        if (type === 'unknown' || type === 'never') problems.push(`${operation.name.getText()} ${status} ${media.name.getText()}: ${type}`);
      }
    }
  }
  return problems;
}

describe('the OpenAPI contract', () => {
  const dir = tempDir();
  let service: RunningService;

  beforeAll(async () => {
    service = await bootService({ dataDir: dir.path });
  });

  afterAll(async () => {
    await service?.close();
    dir.remove();
  });

  it(`serves at /docs-json exactly the committed apps/presence-api/openapi.json (regenerate: ${REGENERATE_OPENAPI})`, async () => {
    const served = await service.call('GET', '/docs-json', { token: null });
    expect(served.status).toBe(200);
    const committed = JSON.parse(readFileSync(COMMITTED, 'utf8'));
    if (JSON.stringify(served.body) !== JSON.stringify(committed)) {
      throw new Error(`apps/presence-api/openapi.json differs from the served /docs-json: run \`${REGENERATE_OPENAPI}\` and commit the file`);
    }
  });

  it('documents every route the service registered, under the same scope, and nothing else', () => {
    const documented = allOperations({ webhooks: webhookRoutes(PLATFORM_REGISTRY) }).map((spec) => ({
      route: `${spec.method.toUpperCase()} ${spec.path.replace(/\{(\w+)\}/g, ':$1')}`,
      scope: spec.scope ?? 'public',
    }));
    const registered = listRoutes(service.app)
      .filter((route) => route.path !== '/')
      .map((route) => ({ route: `${route.method} ${route.path}`, scope: route.public !== undefined ? 'public' : route.scope }));
    const byRoute = (a: { route: string }, b: { route: string }) => a.route.localeCompare(b.route);
    expect(registered.sort(byRoute)).toEqual(documented.sort(byRoute));
  });

  it('generates TypeScript with openapi-typescript in which no response body is unknown', () => {
    const bin = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
    const source = execFileSync(process.execPath, [bin, COMMITTED], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(source).toContain('getPresenceBatch');
    expect(untypedResponseBodies(source)).toEqual([]);
    // The check itself finds an untyped body.
    expect(untypedResponseBodies(source.replace('"application/json": components["schemas"]["PresenceDocument"];', '"application/json": unknown;'))).toHaveLength(1);
  });
});
