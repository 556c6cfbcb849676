import type { ControlConfig } from '../config.ts';
import { quotaRemainingMs } from './quota.ts';

export interface ScheduleInput {
  now: number;
  /** The last sign of life known here (its last heartbeat, else its start) of each session whose deadline the coordinator watches. */
  lastSigns: readonly number[];
  /** Whether usage accrues or waits for Postgres (sessions running, or totals unflushed). */
  flushing: boolean;
  /** Whether a Fleet's sweep wakes the coordinator when its flush falls due (sessions run): then the alarm is a backstop, a heartbeat timeout later. */
  flushSwept?: boolean;
  lastFlushAt: number;
  /** The month's quota at the current burn; null when unlimited, unknown, or nothing runs. */
  quota: { hoursLeft: number; running: number; allWarned: boolean } | null;
  /** When a session state Postgres lacks is next written again; null for none. */
  writeRetryAt?: number | null;
  timing: Pick<ControlConfig, 'heartbeatTimeoutMs' | 'usageFlushIntervalMs' | 'quotaWarningMs' | 'alarmIntervalMs'>;
}

/**
 * When the coordinator's alarm next has work, or null when it has none: the earliest of
 * a session's heartbeat deadline (heartbeats stay at the Fleet; at the deadline the alarm
 * asks it, and a session found alive moves the deadline on), the next flush (its backstop
 * while the Fleet's sweep brings it), and the
 * quota's warning (once every running session is warned, its end), and a write-through
 * to try again. Never sooner than
 * `alarmIntervalMs` from now, so a healthy tenant's coordinator sleeps between deadlines.
 */
export function nextAlarm(input: ScheduleInput): number | null {
  const { now, timing } = input;
  let due = Number.POSITIVE_INFINITY;
  for (const sign of input.lastSigns) due = Math.min(due, sign + timing.heartbeatTimeoutMs);
  if (input.flushing) due = Math.min(due, input.lastFlushAt + timing.usageFlushIntervalMs + (input.flushSwept ? timing.heartbeatTimeoutMs : 0));
  if (input.writeRetryAt != null) due = Math.min(due, input.writeRetryAt);
  if (input.quota) {
    const { hoursLeft, running, allWarned } = input.quota;
    due = Math.min(due, now + quotaRemainingMs(hoursLeft, running) - (allWarned ? 0 : timing.quotaWarningMs));
  }
  return Number.isFinite(due) ? Math.max(due, now + timing.alarmIntervalMs) : null;
}
