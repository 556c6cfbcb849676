import { describe, expect, it } from 'vitest';
import { quotaRemainingMs, quotaStep } from './quota.ts';

const WARNING_MS = 5 * 60_000;

describe('what the month\'s quota asks of the running sessions', () => {
  it.each([
    { when: 'the plan is unlimited', limit: null, used: 1_000, running: 3, step: { action: 'none' } },
    { when: 'nothing runs', limit: 8, used: 8, running: 0, step: { action: 'none' } },
    { when: 'plenty is left', limit: 8, used: 1, running: 1, step: { action: 'none' } },
    { when: 'the hours are used up', limit: 8, used: 8, running: 1, step: { action: 'end' } },
    { when: 'more than the hours were used', limit: 8, used: 8.5, running: 2, step: { action: 'end' } },
    { when: 'under the warning time is left', limit: 8, used: 8 - 4 / 60, running: 1, step: { action: 'warn', remainingMs: 4 * 60_000 } },
    // Eight minutes of hours, two sessions burning them: four minutes of wall time.
    { when: 'several sessions burn what is left at once', limit: 8, used: 8 - 8 / 60, running: 2, step: { action: 'warn', remainingMs: 4 * 60_000 } },
    { when: 'one session alone still has longer than the warning', limit: 8, used: 8 - 8 / 60, running: 1, step: { action: 'none' } },
  ])('$when', ({ limit, used, running, step }) => {
    const got = quotaStep({ limit, used, running, warningMs: WARNING_MS });
    if (got.action === 'warn' && step.action === 'warn') expect(got.remainingMs).toBeCloseTo(step.remainingMs!, 3);
    else expect(got).toEqual(step);
  });

  it('shares the hours left among the running sessions', () => {
    expect(quotaRemainingMs(1, 1)).toBe(3_600_000);
    expect(quotaRemainingMs(1, 4)).toBe(900_000);
  });
});
