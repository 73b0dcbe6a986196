import { countStoredConnections } from '@amo/presence-store';
import { join } from 'node:path';
import type { AppConfig } from './app-config';

/** Sandbox mode's own database, beside the real one: sample people never share a file with real data. */
export const SANDBOX_DATABASE_FILE = 'sandbox.sqlite';

/**
 * Settles what depends on the stored state, before anything else opens the store. Sandbox mode runs only
 * when no platform has credentials from the environment or from stored connections (set up through the
 * API or OAuth), so such a service comes back connected after a restart. In sandbox mode the store is its
 * own SQLite file (in cluster mode its own PostgreSQL schema and Redis prefix) and sample people are consented; outside it, consent defaults to denied unless set.
 */
export async function resolveStartMode(config: AppConfig, storedConnections = countStoredConnections): Promise<AppConfig> {
  let sandbox = config.sandbox;
  const notes = [...config.notes];
  if (sandbox && config.sandboxAuto) {
    const stored = await storedConnections(config.database);
    if (stored > 0) {
      sandbox = false;
      notes.push(`no platform credentials in the environment, but ${stored} stored connection(s): starting with those, not in sandbox mode`);
    }
  }
  return {
    ...config,
    sandbox,
    sandboxAuto: config.sandboxAuto && sandbox,
    notes,
    consentDefault: config.consentFromEnv ?? sandbox,
    database: sandbox ? sandboxDatabase(config) : config.database,
    cluster: sandbox && config.cluster ? { ...config.cluster, redisPrefix: `${config.cluster.redisPrefix}${SANDBOX_SUFFIX}:` } : config.cluster,
  };
}

/** Sandbox mode's schema and Redis prefix in cluster mode carry this after the real ones. */
export const SANDBOX_SUFFIX = 'sandbox';

/**
 * Sandbox mode's database: its own SQLite file, or in cluster mode (instances must share it) its own PostgreSQL
 * schema beside the real one (`sandbox`, or `<schema>_sandbox`).
 */
function sandboxDatabase(config: AppConfig): AppConfig['database'] {
  if (!config.cluster || config.database.type !== 'postgres') return { type: 'sqlite', path: join(config.dataDir, SANDBOX_DATABASE_FILE) };
  const schema = config.database.schema ? `${config.database.schema}_${SANDBOX_SUFFIX}` : SANDBOX_SUFFIX;
  return { type: 'postgres', url: config.database.url, schema };
}
