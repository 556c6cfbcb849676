import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { localToolsEnv, startChild } from './processes.ts';

/** What the build reads: a change to any of them makes ui/dist stale. */
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'preload-landing-screen.ts', 'package.json', '../protocol/src'];

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/**
 * Builds the dashboard (ui/) into ui/dist when it is missing or older than its sources:
 * the Worker serves it as static assets, and wrangler refuses to start without the directory.
 */
export async function ensureDashboardBuilt(root: string): Promise<void> {
  const ui = join(root, 'ui');
  const built = join(ui, 'dist', 'index.html');
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...SOURCES.map((source) => newestChange(join(ui, source))))) return;
  const build = startChild('ui build', join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
    cwd: ui,
    env: localToolsEnv(root),
  });
  if ((await build.exited) !== 0) throw new Error('building the dashboard (ui/) failed');
}
