import type { Page } from 'playwright-core';

/**
 * The page's first contentful paint, in ms from navigation start. The heading a bench waits for
 * can be laid out before its frame is painted: this waits for the paint entry itself.
 */
export function firstContentfulPaint(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) =>
        new PerformanceObserver((list) => {
          const fcp = list.getEntriesByName('first-contentful-paint')[0];
          if (fcp) resolve(fcp.startTime);
        }).observe({ type: 'paint', buffered: true }),
      ),
  );
}
