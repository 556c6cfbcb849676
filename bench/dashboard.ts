import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateKeySpec } from '../edge/src/secrets/keyring.ts';
import { launchChromium } from '../scripts/lib/browser.ts';
import { initialScriptBytes } from '../scripts/lib/dashboard-page.ts';
import { loadOrCreateInstallSecrets, writeWorkerEnv } from '../scripts/lib/install-secrets.ts';
import { freePort } from '../scripts/lib/ports.ts';
import type { Child } from '../scripts/lib/processes.ts';
import { startEdge } from '../scripts/lib/system.ts';
import { signedInHomeVisits } from './dashboard-home.ts';
import { firstContentfulPaint } from './lib/paint.ts';
import { ms, percentile, type Row } from './lib/stats.ts';
import { scratchDir } from './lib/scratch-dir.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** Fresh browser contexts (cold caches) per figure. */
const VISITS = 15;

/**
 * The dashboard as a visitor meets it, in Debian's Chromium against wrangler dev: first
 * contentful paint of the landing screen on a cold cache, and of the signed-in home (with when
 * its data is in: bench/dashboard-home.ts), an in-app route change that has to fetch its
 * screen's chunk, and the landing screen's JavaScript, gzipped.
 */
export async function dashboardBenchmarks(databaseUrl: string): Promise<Row[]> {
  const dir = scratchDir('gx-bench-dashboard-');
  const envFile = join(dir, 'worker.env');
  const install = loadOrCreateInstallSecrets(join(dir, 'install'));
  // Signed in locally, as npm start runs it, for the home screen's visits.
  writeWorkerEnv(envFile, {
    ADMIN_KEY: 'bench-dashboard',
    SECRET_KEYS: generateKeySpec('k1'),
    ACCESS_TOKEN_SIGNING_KEY: install.accessTokenSigningKey,
    ACCESS_TOKEN_PUBLIC_KEYS: install.accessTokenPublicKeys,
    LOCAL_SIGN_IN: 'on',
  });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let edge: Child | undefined;
  const browser = await launchChromium();
  try {
    // Every visit signs in again and reads home as one user from one address: past the real limits (10 sign-ins, 60 calls a minute).
    edge = await startEdge({ root: ROOT, port, databaseUrl, stateDir: join(dir, 'state'), envFile, stdio: 'ignore', vars: { RATE_LIMIT_AUTH_PER_MINUTE: '1000000', RATE_LIMIT_API_PER_MINUTE: '1000000' } });
    const paints: number[] = [];
    const changes: number[] = [];
    let initial = 0;
    for (let visit = 0; visit <= VISITS; visit++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      if (visit === 0) initial = (await initialScriptBytes(page, `${url}/sign-in`, join(ROOT, 'ui', 'dist'))).gzipBytes;
      else {
        await page.goto(`${url}/sign-in`, { waitUntil: 'load' });
        await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
        paints.push(await firstContentfulPaint(page));
        // From the not-found screen back to sign-in: a client-side change whose chunk is already cached.
        await page.goto(`${url}/no-such-page`);
        await page.getByRole('heading', { name: 'No such page' }).waitFor();
        changes.push(
          await page.evaluate(async () => {
            const started = performance.now();
            document.querySelector<HTMLAnchorElement>('main a')!.click();
            while (document.querySelector('h1')?.textContent !== 'Sign in') await new Promise(requestAnimationFrame);
            return performance.now() - started;
          }),
        );
      }
      await context.close();
    }
    const home = await signedInHomeVisits(browser, url, VISITS);
    const fcp = percentile(paints, 50);
    const homeFcp = percentile(home.paints, 50);
    return [
      { benchmark: `dashboard: first contentful paint of the landing screen, cold cache, p50 / p95 of ${VISITS} (Chromium, wrangler dev)`, result: `${ms(fcp)} / ${ms(percentile(paints, 95))}`, target: '< 1000 ms', met: fcp < 1000 },
      { benchmark: `dashboard: first contentful paint of the signed-in home, cold cache (refresh cookie only), p50 / p95 of ${VISITS}`, result: `${ms(homeFcp)} / ${ms(percentile(home.paints, 95))}`, target: '< 1000 ms', met: homeFcp < 1000 },
      { benchmark: "dashboard: signed-in home with its data (token refresh, me, each team's usage and sessions), p50 / p95", result: `${ms(percentile(home.ready, 50))} / ${ms(percentile(home.ready, 95))}`, target: '-', met: null },
      { benchmark: 'dashboard: route change to a screen, p50 / p95', result: `${ms(percentile(changes, 50))} / ${ms(percentile(changes, 95))}`, target: '-', met: null },
      { benchmark: 'dashboard: JavaScript of the landing screen, gzipped', result: `${(initial / 1024).toFixed(1)} KB`, target: '<= 150 KB', met: initial <= 150 * 1024 },
    ];
  } finally {
    await browser.close();
    await edge?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
