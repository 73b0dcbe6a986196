import { countStoredConnections } from '@amo/presence-store';
import { join } from 'node:path';
import type { AppConfig } from './app-config';

/** Sandbox mode's own database, beside the real one: sample people never share a file with real data. */
export const SANDBOX_DATABASE_FILE = 'sandbox.sqlite';

/**
 * Settles what depends on the stored state, before anything else opens the store. Sandbox mode runs only
 * when no platform has credentials from the environment or from stored connections (set up through the
 * API or OAuth), so such a service comes back connected after a restart. In sandbox mode the store is its
 * own SQLite file and sample people are consented; outside it, consent defaults to denied unless set.
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
    database: sandbox ? { type: 'sqlite', path: join(config.dataDir, SANDBOX_DATABASE_FILE) } : config.database,
  };
}
