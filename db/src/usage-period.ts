/** The UTC month a moment's usage counts in, as `YYYY-MM` (the `period` of the usage tables). */
export function periodOf(at: Date | number): string {
  return new Date(at).toISOString().slice(0, 7);
}

/** Splits the span [from, to) at UTC month starts: session time counts in the month it was spent. */
export function splitByPeriod(from: number, to: number): Array<{ period: string; seconds: number }> {
  const parts: Array<{ period: string; seconds: number }> = [];
  let cursor = from;
  while (cursor < to) {
    const d = new Date(cursor);
    const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    const end = Math.min(to, nextMonth);
    parts.push({ period: periodOf(cursor), seconds: (end - cursor) / 1000 });
    cursor = end;
  }
  return parts;
}

/** The UTC day (`YYYY-MM-DD`) within `period` that usage reaching Postgres at `at` is booked on: that day, or the month's edge nearest to it. */
export function dayIn(period: string, at: Date | number): string {
  const today = new Date(at).toISOString().slice(0, 10);
  if (today.startsWith(period)) return today;
  if (today < period) return `${period}-01`;
  const [year, month] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}
