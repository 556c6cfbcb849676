import { describe, expect, it } from 'vitest';
import { createBackoff } from '../src/backoff.ts';

describe('reconnect backoff', () => {
  it('doubles its window from 250 ms up to the 30 s cap', () => {
    const backoff = createBackoff({ random: () => 0.999999 });
    const delays = Array.from({ length: 10 }, () => backoff.next());
    expect(delays).toEqual([249, 499, 999, 1999, 3999, 7999, 15999, 29999, 29999, 29999]);
  });

  it('uses full jitter: any delay from zero up to the window', () => {
    const backoff = createBackoff({ random: () => 0 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([0, 0, 0]);
    const real = createBackoff();
    for (let i = 0; i < 100; i += 1) {
      const delay = real.next();
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(30_000);
    }
  });

  it('starts over after reset', () => {
    const backoff = createBackoff({ random: () => 0.999999 });
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(249);
  });
});
