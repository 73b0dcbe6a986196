import type {} from '@fastify/static';
import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/scopes';

const NOT_BUILT =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Presence Aggregator</title></head><body>' +
  '<h1>Presence Aggregator</h1><p>The dashboard is not built in this deployment.</p>' +
  '<ul><li><a href="/docs">API documentation</a></li><li><a href="/health">Health</a></li></ul></body></html>';

/** GET /: the dashboard's page when its files are served, else a pointer to what is there (not an API operation). */
@Controller()
export class RootController {
  @Get()
  @Public('the landing page names no person and holds no data')
  index(@Res() reply: FastifyReply): void {
    // bootstrap serves the dashboard's files (and so gives replies sendFile) only when they are built.
    if (typeof reply.sendFile === 'function') {
      reply.sendFile('index.html');
      return;
    }
    reply.header('Content-Type', 'text/html; charset=utf-8').send(NOT_BUILT);
  }
}
