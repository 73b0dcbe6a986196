import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../auth/scopes';

/** GET / when the dashboard's static files are not built: a pointer to what is there (not an API operation). */
@Controller()
export class RootController {
  @Get()
  @Public('the landing page names no person and holds no data')
  @Header('Content-Type', 'text/html; charset=utf-8')
  index(): string {
    return (
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Presence Aggregator</title></head><body>' +
      '<h1>Presence Aggregator</h1><p>The dashboard is not built in this deployment.</p>' +
      '<ul><li><a href="/docs">API documentation</a></li><li><a href="/health">Health</a></li></ul></body></html>'
    );
  }
}
