import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import { AppModule, type AppModuleOptions } from './app.module';
import { ApiKeyAuthenticator } from './auth/api-key.authenticator';
import type { AppConfig } from './config/app-config';
import { resolveStartMode } from './config/start-mode';
import { bodyParsers } from './http/body-parsers';
import { hardenHttpServer } from './http/http-server';
import { currentRequestId, requestIds } from './http/request-id.middleware';
import { ServiceLogger } from './logging/service-logger';
import { serveOpenApi } from './http/openapi-document';
import { MetricsService } from './metrics/metrics.service';
import { ServiceLifecycle } from './monitoring/service-lifecycle.service';
import { corsOptions } from './startup/cors';
import { renderStartupBlock, startupFacts } from './startup/startup-summary';
import { StreamWsAdapter } from './stream/stream-ws.adapter';

/** Where the dashboard's built files are, if they are built (apps/presence-dashboard/dist). */
export function dashboardDir(): string | undefined {
  const dir = resolve(__dirname, '..', '..', 'presence-dashboard', 'dist');
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

const STARTED = Symbol('requestStarted');
type TimedResponse = Response & { [STARTED]?: number; req: Request & { route?: { path?: unknown } } };

/**
 * Incoming request latency, labelled by route pattern (never the URL, which may carry a person id). One
 * shared finish listener and a start time on the response: no closure or label object per request.
 */
function requestMetrics(metrics: MetricsService) {
  const histogram = metrics.httpRequests;
  function finished(this: TimedResponse): void {
    const route = this.req.route?.path;
    histogram.observe(this.req.method, typeof route === 'string' ? route : 'unmatched', this.statusCode, (performance.now() - (this[STARTED] ?? 0)) / 1000);
  }
  return (_request: Request, response: Response, next: NextFunction): void => {
    (response as TimedResponse)[STARTED] = performance.now();
    response.on('finish', finished);
    next();
  };
}

/** Builds the configured application (not listening yet). */
export async function createApp(config: AppConfig, options: AppModuleOptions = {}): Promise<NestExpressApplication> {
  // Sandbox or not, which database, the consent default: settled from the stored state before Nest opens it.
  config = await resolveStartMode(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    bodyParser: false,
    logger: new ServiceLogger({ level: config.logLevel, format: config.logFormat, requestId: currentRequestId }),
    // A provider that fails (a database that does not open, a wrong encryption key) rejects here, so main
    // prints one clear line and exits 1 instead of Nest logging a stack trace.
    abortOnError: false,
  });
  app.useWebSocketAdapter(new StreamWsAdapter(app, () => app.get(ApiKeyAuthenticator)));
  app.disable('x-powered-by');
  // API answers are computed per request and never revalidated: hashing every body for an ETag is waste.
  app.set('etag', false);
  app.set('query parser', 'simple');
  hardenHttpServer(app.getHttpServer(), config.tuning);
  app.use(requestIds());
  // Before any route, so preflights are answered here (204), not by the 405 for an unknown method.
  if (config.corsOrigins.length > 0) app.enableCors(corsOptions(config.corsOrigins));
  app.use(requestMetrics(app.get(MetricsService)));
  app.use(bodyParsers(config.tuning.bodyLimitBytes));
  const dashboard = dashboardDir();
  if (dashboard) app.useStaticAssets(dashboard, { index: 'index.html', fallthrough: true });

  serveOpenApi(app);
  return app;
}

/** Listens, then connects platforms and starts monitoring (webhook handshakes need the server up). */
export async function startApp(app: NestExpressApplication, config: AppConfig, host?: string): Promise<number> {
  // No host: every interface, IPv6 and IPv4, so http://localhost works whichever address it resolves to.
  await (host === undefined ? app.listen(config.port) : app.listen(config.port, host));
  const port = (app.getHttpServer().address() as AddressInfo).port;
  await app.get(ServiceLifecycle).start();
  new Logger('Service').log(renderStartupBlock(startupFacts(app, port, dashboardDir() !== undefined)));
  return port;
}
