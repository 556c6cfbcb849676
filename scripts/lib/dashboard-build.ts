import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { localToolsEnv, startChild } from './processes.ts';

/**
 * Builds the dashboard (ui/) into ui/dist when it is not there yet: the Worker
 * serves it as static assets, and wrangler refuses to start without the directory.
 */
export async function ensureDashboardBuilt(root: string): Promise<void> {
  if (existsSync(join(root, 'ui', 'dist', 'index.html'))) return;
  const build = startChild('ui build', join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
    cwd: join(root, 'ui'),
    env: localToolsEnv(root),
  });
  if ((await build.exited) !== 0) throw new Error('building the dashboard (ui/) failed');
}
