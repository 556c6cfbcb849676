import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';

/** The two widths every main screen is checked and pictured at. */
export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core's serious and critical findings on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Colours judged mid-transition (a theme switch fades them) are neither theme's: let finite animations end first.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const { violations } = await axe.run();
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

/** Saves the page at each width into docs/screenshots/<name>-<width>.png. */
export async function screenshotEachWidth(page: Page, dir: string, name: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  // A page behind another draws a frame a second while it animates (DashboardSystem.newPage).
  await page.bringToFront();
  for (const [width, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    // Let layout settle after the resize (no animation is awaited: fonts are the system's).
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.screenshot({ path: join(dir, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

/** Console errors and uncaught exceptions of a page, collected from now on. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/**
 * Opens `url` and sums the gzipped size of every script it loaded from ui/dist: the
 * JavaScript a first visit to that screen costs.
 */
export async function initialScriptBytes(page: Page, url: string, dist: string): Promise<{ gzipBytes: number; scripts: string[] }> {
  const scripts = new Set<string>();
  const onResponse = (res: { request(): { resourceType(): string }; url(): string }) => {
    if (res.request().resourceType() === 'script') scripts.add(new URL(res.url()).pathname);
  };
  page.on('response', onResponse);
  await page.goto(url, { waitUntil: 'networkidle' });
  page.off('response', onResponse);
  const gzipBytes = [...scripts].reduce((sum, path) => sum + gzipSync(readFileSync(join(dist, path))).length, 0);
  return { gzipBytes, scripts: [...scripts] };
}

/**
 * The controls on the page that pressing Tab never reaches, so a keyboard user could not use
 * them: Tab is pressed from the top of the page until focus leaves it or comes back round,
 * then every visible, enabled link, button, field and focusable element not reached is named.
 * A radio group counts as reached when one of its radios was (arrow keys move within it).
 */
export async function unreachableByTab(page: Page, maxPresses = 300): Promise<string[]> {
  const mark = 'data-gx-tabbed';
  // A starting point before everything else: Tab otherwise goes on from the last click.
  await page.evaluate(() => {
    const start = document.createElement('button');
    start.id = 'gx-tab-start';
    start.style.cssText = 'position:fixed;top:0;left:0';
    document.body.prepend(start);
    start.focus();
  });
  // An element with focusable parts of its own (an <audio>'s controls) stays the active one for several presses.
  for (let press = 0, again = 0; press < maxPresses && again < 10; press++) {
    await page.keyboard.press('Tab');
    const reached = await page.evaluate((m) => {
      const el = document.activeElement;
      if (!el || el === document.body || el.id === 'gx-tab-start') return 'left';
      if (el.hasAttribute(m)) return 'again';
      el.setAttribute(m, '');
      return 'new';
    }, mark);
    if (reached === 'left') break;
    again = reached === 'again' ? again + 1 : 0;
  }
  return page.evaluate((m) => {
    document.getElementById('gx-tab-start')?.remove();
    const reachedRadios = new Set([...document.querySelectorAll<HTMLInputElement>(`input[type=radio][${m}]`)].map((r) => r.name));
    const controls = [...document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, audio[controls], summary, [tabindex]')];
    const missed = controls.filter((el) => {
      if (el.hasAttribute(m) || el.getAttribute('tabindex') === '-1' || (el as HTMLButtonElement).disabled || el.closest('fieldset:disabled, [inert], [aria-hidden=true]')) return false;
      if (el instanceof HTMLInputElement && el.type === 'radio' && reachedRadios.has(el.name)) return false;
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    });
    for (const el of document.querySelectorAll(`[${m}]`)) el.removeAttribute(m);
    return missed.map((el) => `${el.tagName.toLowerCase()} "${el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 60) ?? ''}"`);
  }, mark);
}
