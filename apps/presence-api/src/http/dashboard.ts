import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the dashboard's built files are, if they are built (apps/presence-dashboard/dist). */
export function dashboardDir(): string | undefined {
  const dir = resolve(__dirname, '..', '..', '..', 'presence-dashboard', 'dist');
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}
