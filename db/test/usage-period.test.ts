import { describe, expect, it } from 'vitest';
import { periodOf, splitByPeriod } from '../src/usage-period.ts';

describe('the month usage counts in', () => {
  it('is the UTC month', () => {
    expect(periodOf(Date.UTC(2026, 0, 31, 23, 59))).toBe('2026-01');
    expect(periodOf(new Date('2026-02-01T00:00:00Z'))).toBe('2026-02');
  });

  it('splits session time at month starts, so each month gets what was spent in it', () => {
    const from = Date.UTC(2026, 0, 31, 23, 0);
    const to = Date.UTC(2026, 1, 1, 0, 30);
    expect(splitByPeriod(from, to)).toEqual([
      { period: '2026-01', seconds: 3600 },
      { period: '2026-02', seconds: 1800 },
    ]);
    expect(splitByPeriod(Date.UTC(2026, 11, 31, 23, 59), Date.UTC(2027, 0, 1, 0, 1))).toEqual([
      { period: '2026-12', seconds: 60 },
      { period: '2027-01', seconds: 60 },
    ]);
  });

  it('keeps a span inside one month whole, and an empty span empty', () => {
    expect(splitByPeriod(Date.UTC(2026, 4, 1), Date.UTC(2026, 4, 2))).toEqual([{ period: '2026-05', seconds: 86_400 }]);
    expect(splitByPeriod(1000, 1000)).toEqual([]);
  });
});
