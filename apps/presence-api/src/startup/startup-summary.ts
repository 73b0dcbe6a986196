import type { Platform } from '@amo/presence-core';
import type { INestApplication } from '@nestjs/common';
import { isAbsolute, join, normalize, resolve } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ConnectionRegistry } from '../platforms/connection-registry';
import { PlatformWirings } from '../platforms/platform-wirings.service';
import { ADMIN_TOKEN_FILE } from '../store/secret-files';

/** What the last start-up lines tell an operator. */
export interface StartupFacts {
  sandbox: boolean;
  connected: { platform: Platform; source: string }[];
  failed: { platform: Platform; code: string; message: string; retrying: boolean }[];
  url: string;
  port: number;
  dashboard: boolean;
  /** How to read the bootstrap admin key: from the variable, or the file (as configured and absolute). */
  adminKey: { fromEnv: true } | { fromEnv: false; file: string; absolute: string };
  logLevel: AppConfig['logLevel'];
}

const LABEL_WIDTH = 11;
const row = (label: string, value: string): string => `  ${label.padEnd(LABEL_WIDTH)}${value}`;
const more = (value: string): string => `  ${' '.repeat(LABEL_WIDTH)}${value}`;

function modeRows(facts: StartupFacts): string[] {
  const failed = facts.failed.map((f) => `${f.platform} (${f.code}: ${f.message}${f.retrying ? '; retrying' : ''})`);
  const connected = facts.connected.map((c) => (facts.sandbox ? c.platform : `${c.platform} (${c.source})`));
  if (facts.sandbox) {
    const rows = [row('mode', `SANDBOX: emulated ${connected.join(', ') || 'platforms'} on loopback with sample people; not real presence`)];
    return failed.length > 0 ? [...rows, more(`failed: ${failed.join(', ')}`)] : rows;
  }
  if (connected.length === 0 && failed.length === 0) {
    return [row('mode', 'live, no platform connected: set a platform\'s variables (see .env.example) or POST /v1/platforms/{platform}/connect')];
  }
  const rows = [row('mode', `live, connected: ${connected.join(', ') || 'none'}`)];
  return failed.length > 0 ? [...rows, more(`failed: ${failed.join(', ')}`)] : rows;
}

/** The one block start-up ends with: mode, where to go, how to get in, how much is logged. */
export function renderStartupBlock(facts: StartupFacts): string {
  const key = facts.adminKey.fromEnv
    ? 'from PRESENCE_API_TOKEN (not shown)'
    : facts.adminKey.file === facts.adminKey.absolute
      ? `cat ${facts.adminKey.file}`
      : `cat ${facts.adminKey.file}   (${facts.adminKey.absolute})`;
  const level = facts.logLevel === 'debug' || facts.logLevel === 'verbose' ? facts.logLevel : `${facts.logLevel} (PRESENCE_LOG_LEVEL=debug adds Nest's module and route lines)`;
  return [
    'ready',
    ...modeRows(facts),
    row('url', `${facts.url}   (port ${facts.port})`),
    row('dashboard', facts.dashboard ? `${facts.url}/` : 'not built (npm start builds it)'),
    row('admin key', key),
    row('docs', `${facts.url}/docs   (OpenAPI: ${facts.url}/docs-json)`),
    row('log level', level),
  ].join('\n');
}

/** Reads the facts from the started application; `port` is the one it listens on. */
export function startupFacts(app: INestApplication, port: number, dashboard: boolean): StartupFacts {
  const config = app.get<AppConfig>(APP_CONFIG);
  const connections = app.get(ConnectionRegistry);
  const connected: StartupFacts['connected'] = [];
  const failed: StartupFacts['failed'] = [];
  for (const platform of app.get(PlatformWirings).platforms()) {
    const active = connections.get(platform);
    const failure = connections.failure(platform);
    if (active) connected.push({ platform, source: active.source });
    else if (failure) failed.push({ platform, code: failure.error.code, message: failure.error.message, retrying: failure.retrying });
  }
  const file = normalize(join(config.dataDir, ADMIN_TOKEN_FILE));
  return {
    sandbox: config.sandbox,
    connected,
    failed,
    url: config.port === 0 ? `http://localhost:${port}` : config.publicUrl,
    port,
    dashboard,
    adminKey: config.apiToken ? { fromEnv: true } : { fromEnv: false, file, absolute: isAbsolute(file) ? file : resolve(file) },
    logLevel: config.logLevel,
  };
}
