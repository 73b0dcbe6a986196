import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { AddressInfo } from 'node:net';
import { AppModule, type AppModuleOptions } from './app.module';
import { ApiKeyAuthenticator } from './auth/api-key.authenticator';
import type { AppConfig } from './config/app-config';
import { resolveStartMode } from './config/start-mode';
import { toErrorAnswer } from './errors/error-mapping';
import { sendError } from './errors/error-response';
import { registerBodyParser } from './http/body-parsers';
import { dashboardDir } from './http/dashboard';
import { httpServerOptions } from './http/http-server';
import { requestIds } from './http/request-id.middleware';
import { ServiceLogger } from './logging/service-logger';
import { serveOpenApi } from './http/openapi-document';
import { MetricsService } from './metrics/metrics.service';
import { ServiceLifecycle } from './monitoring/service-lifecycle.service';
import { corsHook } from './startup/cors';
import { renderStartupBlock, startupFacts } from './startup/startup-summary';
import { StreamWsAdapter } from './stream/stream-ws.adapter';

/** A path parameter may be as long as an id may be (and longer, so an over-long id is a 400 that says so, not a 404). */
const MAX_PARAM_LENGTH = 16 * 1024;

/**
 * Incoming request latency, labelled by route pattern (never the URL, which may carry a person id; 'unmatched'
 * when no route took it): one hook when the answer is finished, Fastify's own start time, no closure or label
 * object per request.
 */
function requestMetrics(metrics: MetricsService) {
  const histogram = metrics.httpRequests;
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    histogram.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  };
}

/** The HTTP platform: Fastify, routed as Express routed the service before (case-insensitive, a trailing slash ignored). */
function fastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    ...httpServerOptions(config.tuning),
    // No Nest middleware: the per-request work is Fastify hooks, so the middleware engine would only cost time.
    skipMiddie: true,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // Requests on open connections are still answered while the service stops (Express's behaviour), not 503.
    return503OnClosing: false,
    // A URL Fastify cannot decode: the service's 400 with the error shape, not Fastify's own body.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => sendError(request, reply, toErrorAnswer(error), error),
  });
}

/** The per-request hooks, body parsing, static files and documentation on the Fastify instance (before it is ready). */
function configureHttp(app: NestFastifyApplication, config: AppConfig): void {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.addHook('onRequest', requestIds());
  // Before any route, so preflights are answered here (204), not by the 405 for an unknown method.
  if (config.corsOrigins.length > 0) fastify.addHook('onRequest', corsHook(config.corsOrigins));
  fastify.addHook('onResponse', requestMetrics(app.get(MetricsService)));
  // The guard sets it on every authenticated request: declared, so every request has the same shape.
  fastify.decorateRequest('principal', undefined);
  registerBodyParser(fastify, config.tuning.bodyLimitBytes);
  const dashboard = dashboardDir();
  // One route per built file (no wildcard: an unknown path stays the service's 404/405); GET / is RootController's.
  if (dashboard) app.useStaticAssets({ root: dashboard, wildcard: false, index: false });
  serveOpenApi(app);
}

/** Builds the configured application (not listening yet). */
export async function createApp(config: AppConfig, options: AppModuleOptions = {}): Promise<NestFastifyApplication> {
  // Sandbox or not, which database, the consent default: settled from the stored state before Nest opens it.
  config = await resolveStartMode(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options), fastifyAdapter(config), {
    bodyParser: false,
    logger: new ServiceLogger({ level: config.logLevel, format: config.logFormat }),
    // A provider that fails (a database that does not open, a wrong encryption key) rejects here, so main
    // prints one clear line and exits 1 instead of Nest logging a stack trace.
    abortOnError: false,
  });
  app.useWebSocketAdapter(new StreamWsAdapter(app, () => app.get(ApiKeyAuthenticator)));
  configureHttp(app, config);
  return app;
}

/**
 * No host: every interface, IPv6 and IPv4, so http://localhost works whichever address it resolves to; on a
 * machine without IPv6, every IPv4 interface (what Node's own listen without a host does).
 */
async function listen(app: NestFastifyApplication, port: number, host: string | undefined): Promise<void> {
  if (host !== undefined) return void (await app.listen(port, host));
  try {
    await app.listen(port, '::');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT') throw error;
    await app.listen(port, '0.0.0.0');
  }
}

/** Listens, then connects platforms and starts monitoring (webhook handshakes need the server up). */
export async function startApp(app: NestFastifyApplication, config: AppConfig, host?: string): Promise<number> {
  await listen(app, config.port, host);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  await app.get(ServiceLifecycle).start();
  new Logger('Service').log(renderStartupBlock(startupFacts(app, port, dashboardDir() !== undefined)));
  return port;
}
