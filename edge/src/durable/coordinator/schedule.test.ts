import { describe, expect, it } from 'vitest';
import { nextAlarm, type ScheduleInput } from './schedule.ts';

const NOW = Date.UTC(2026, 4, 10, 12);
const timing = { heartbeatTimeoutMs: 90_000, usageFlushIntervalMs: 300_000, quotaWarningMs: 300_000, alarmIntervalMs: 5_000 };
const at = (input: Partial<ScheduleInput>) =>
  nextAlarm({ now: NOW, lastSigns: [], flushing: false, lastFlushAt: NOW, quota: null, timing, ...input });

describe("when a coordinator's alarm next runs", () => {
  it('never, with nothing live and nothing to flush', () => {
    expect(at({})).toBeNull();
  });

  it("at the earliest session's heartbeat deadline", () => {
    expect(at({ lastSigns: [NOW - 10_000, NOW - 60_000, NOW - 1_000] })).toBe(NOW - 60_000 + 90_000);
  });

  it('at the next flush, while usage accrues or waits for Postgres', () => {
    expect(at({ flushing: true, lastFlushAt: NOW - 100_000 })).toBe(NOW + 200_000);
    // Nothing to flush: the flush clock does not wake it.
    expect(at({ flushing: false, lastFlushAt: NOW - 100_000, lastSigns: [NOW] })).toBe(NOW + 90_000);
  });

  it("a heartbeat timeout after the flush while the Fleet's sweep brings it: the alarm is a backstop", () => {
    expect(at({ flushing: true, flushSwept: true, lastFlushAt: NOW - 100_000 })).toBe(NOW + 200_000 + 90_000);
  });

  it('whichever comes first: a deadline before the flush', () => {
    expect(at({ flushing: true, lastFlushAt: NOW, lastSigns: [NOW - 30_000] })).toBe(NOW + 60_000);
  });

  it("at the quota's warning: the hours left, shared by every running session, less the warning", () => {
    // One hour left, two sessions burning it: it runs out in 30 minutes; the warning comes 5 minutes before.
    expect(at({ quota: { hoursLeft: 1, running: 2, allWarned: false } })).toBe(NOW + 30 * 60_000 - 300_000);
  });

  it("at the quota's end once every running session was warned", () => {
    expect(at({ quota: { hoursLeft: 1, running: 2, allWarned: true } })).toBe(NOW + 30 * 60_000);
  });

  it('the quota before a later deadline or flush', () => {
    expect(at({ lastSigns: [NOW], flushing: true, lastFlushAt: NOW, quota: { hoursLeft: 10 / 3600, running: 1, allWarned: true } })).toBe(NOW + 10_000);
  });

  it('when a session state Postgres lacks is due to be written again, before a later flush', () => {
    expect(at({ flushing: true, lastFlushAt: NOW, writeRetryAt: NOW + 20_000 })).toBe(NOW + 20_000);
    expect(at({ writeRetryAt: NOW + 400_000, flushing: true, lastFlushAt: NOW })).toBe(NOW + 300_000);
  });

  it('no sooner than the shortest interval from now, even when something is overdue', () => {
    expect(at({ lastSigns: [NOW - 10 * 60_000] })).toBe(NOW + 5_000);
    expect(at({ quota: { hoursLeft: -1, running: 1, allWarned: true } })).toBe(NOW + 5_000);
    expect(at({ quota: { hoursLeft: 1 / 3600, running: 1, allWarned: false } })).toBe(NOW + 5_000);
  });
});
