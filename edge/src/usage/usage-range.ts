import { periodOf } from '@glyphoxa/db';
import { ApiError } from '../errors.ts';

/** What a usage query asks for: months (`YYYY-MM`) or days (`YYYY-MM-DD`, or whole months of them). */
export interface UsageQuery {
  granularity: 'month' | 'day';
  from?: string;
  to?: string;
}

export interface UsageRange {
  granularity: 'month' | 'day';
  from: string;
  to: string;
}

/** The most days one answer holds: a year, leap day included. */
export const MAX_USAGE_DAYS = 366;

const DAY_MS = 86_400_000;
const isMonth = (t: string) => t.length === 7;
const lastDayOf = (month: string) => {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10);
};

/**
 * The inclusive range a query means, `now` giving the default (this month). `from` alone is
 * that one month or day; in days, a month stands for all of its days.
 */
export function usageRange(query: UsageQuery, now: number): UsageRange {
  const current = periodOf(now);
  if (query.granularity === 'month') {
    const from = query.from ?? current;
    return ordered({ granularity: 'month', from, to: query.to ?? from });
  }
  const start = query.from ?? current;
  const end = query.to ?? start;
  const range = ordered({ granularity: 'day', from: isMonth(start) ? `${start}-01` : start, to: isMonth(end) ? lastDayOf(end) : end });
  if (daysIn(range) > MAX_USAGE_DAYS) throw new ApiError(400, 'invalid_request', `to: a range of days holds at most ${MAX_USAGE_DAYS}`, 'to');
  return range;
}

/** Every day of a day range, in order. */
export function daysOf(range: UsageRange): string[] {
  const first = Date.parse(`${range.from}T00:00:00Z`);
  return Array.from({ length: daysIn(range) }, (_, i) => new Date(first + i * DAY_MS).toISOString().slice(0, 10));
}

const daysIn = (range: UsageRange) => (Date.parse(`${range.to}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / DAY_MS + 1;

function ordered(range: UsageRange): UsageRange {
  if (range.from > range.to) throw new ApiError(400, 'invalid_request', 'from: must not be after to', 'from');
  return range;
}
