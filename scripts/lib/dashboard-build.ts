import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
 * Runs started at once (.ci/run's two `npm test`s, `npm start` beside `npm test`) build it
 * once: the others wait for that build, then find ui/dist fresh.
 */
export async function ensureDashboardBuilt(root: string): Promise<void> {
  const ui = join(root, 'ui');
  const built = join(ui, 'dist', 'index.html');
  const fresh = () => existsSync(built) && statSync(built).mtimeMs >= Math.max(...SOURCES.map((source) => newestChange(join(ui, source))));
  if (fresh()) return;
  const release = await buildLock(root);
  try {
    if (fresh()) return;
    const build = startChild('ui build', join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
      cwd: ui,
      env: localToolsEnv(root),
    });
    if ((await build.exited) !== 0) throw new Error('building the dashboard (ui/) failed');
  } finally {
    release();
  }
}

/** Waits for the build lock (a file naming its holder's pid; a dead holder's is taken over), then holds it. */
async function buildLock(root: string): Promise<() => void> {
  const dir = join(root, 'node_modules', '.cache');
  const lock = join(dir, 'glyphoxa-dashboard-build.lock');
  mkdirSync(dir, { recursive: true });
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!holderAlive(lock)) {
      rmSync(lock, { force: true });
      continue;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function holderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lock, 'utf8'));
  } catch {
    return true; // Released (or just being written) meanwhile: look again.
  }
  if (!pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
