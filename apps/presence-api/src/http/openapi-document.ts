import { buildOpenApiDocument, type WebhookRoute } from '@amo/presence-contract';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { PlatformRegistry } from '../platforms/platform-registry';
import { PLATFORM_WIRING_LIST } from '../platforms/platform-wirings.service';

/** The webhook routes the running registry declares, for the document. */
export function webhookRoutes(registry: PlatformRegistry): WebhookRoute[] {
  return registry.flatMap((descriptor) => descriptor.webhooks.map((route) => ({ platform: descriptor.platform, method: route.method, summary: route.summary })));
}

/** The served OpenAPI document: the contract's, with this service's webhook routes. */
export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  return buildOpenApiDocument({ webhooks: webhookRoutes(app.get<PlatformRegistry>(PLATFORM_WIRING_LIST)) }) as unknown as OpenAPIObject;
}

/** The command that rewrites the committed document. */
export const REGENERATE_OPENAPI = 'npm run openapi';

/** `apps/presence-api/openapi.json` as committed: the document for a registry, two-space JSON and a final newline. */
export function committedDocumentText(registry: PlatformRegistry): string {
  return `${JSON.stringify(buildOpenApiDocument({ webhooks: webhookRoutes(registry) }), null, 2)}\n`;
}

/** `/docs` (UI), `/docs-json` and `/docs-yaml`, from the contract (`apps/presence-api/openapi.json` is this, committed). */
export function serveOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, openApiDocument(app), { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
