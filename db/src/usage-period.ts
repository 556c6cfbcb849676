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
