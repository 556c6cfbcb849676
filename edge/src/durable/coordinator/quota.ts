/** What the month's quota asks of a tenant's running sessions now. */
export type QuotaStep = { action: 'none' } | { action: 'warn'; remainingMs: number } | { action: 'end' };

/** How long `hoursLeft` lasts while `running` sessions burn it at once. */
export function quotaRemainingMs(hoursLeft: number, running: number): number {
  return (hoursLeft * 3600_000) / running;
}

/**
 * With `used` of `limit` hours spent (null: unlimited) and `running` sessions: end them
 * once the hours are gone, warn them once less than `warningMs` is left.
 */
export function quotaStep(input: { limit: number | null; used: number; running: number; warningMs: number }): QuotaStep {
  if (input.limit === null || input.running === 0) return { action: 'none' };
  if (input.used >= input.limit) return { action: 'end' };
  const remainingMs = quotaRemainingMs(input.limit - input.used, input.running);
  return remainingMs <= input.warningMs ? { action: 'warn', remainingMs } : { action: 'none' };
}
