import type { Browser } from 'playwright-core';
import { firstContentfulPaint } from './lib/paint.ts';

const NAME = 'Bench the DM';

/**
 * The signed-in home screen on a cold cache, as a returning DM opens it: each visit a fresh
 * browser context holding only a fresh refresh cookie (from `/auth/local`, as after a sign-in),
 * so the page trades it for an access token (`/auth/refresh`), then reads `me` and each team's
 * usage, live and recent sessions. Its first contentful paint, and when home's data has replaced
 * every placeholder (ms from navigation start).
 */
export async function signedInHomeVisits(browser: Browser, url: string, visits: number): Promise<{ paints: number[]; ready: number[] }> {
  const paints: number[] = [];
  const ready: number[] = [];
  // The first sign-in makes the user and their team; the visits measure from the second on.
  for (let visit = 0; visit <= visits; visit++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Shares the context's cookies: the refresh token lands where the page will look for it.
    const signIn = await context.request.post(`${url}/auth/local`, { data: { email: 'bench-home@example.com', display_name: NAME } });
    if (!signIn.ok()) throw new Error(`local sign-in: ${signIn.status()} ${await signIn.text()}`);
    const page = await context.newPage();
    await page.goto(`${url}/`, { waitUntil: 'load' });
    await page.getByRole('heading', { name: `Welcome, ${NAME}` }).waitFor();
    const done = await page.evaluate(async () => {
      // Home's data is in once no placeholder pulses and the team's live sessions are listed.
      while (document.querySelector('.animate-pulse') || !document.body.textContent?.includes('Nothing is running')) await new Promise(requestAnimationFrame);
      return performance.now();
    });
    if (visit > 0) {
      paints.push(await firstContentfulPaint(page));
      ready.push(done);
    }
    await context.close();
  }
  return { paints, ready };
}
