import { describe, expect, it } from 'vitest';
import { FlushSchedule } from './flush-schedule.ts';

const PERIOD = 300_000;
const T0 = Date.UTC(2026, 4, 10, 12);

describe("which tenants' flushes a Fleet's sweep brings", () => {
  it('a tenant placed now is due a flush period later, not before', () => {
    const schedule = new FlushSchedule(PERIOD);
    schedule.placed('a', T0);
    expect(schedule.due('a', T0 + PERIOD - 1)).toBe(false);
    expect(schedule.due('a', T0 + PERIOD)).toBe(true);
  });

  it("a later placement keeps the tenant's clock", () => {
    const schedule = new FlushSchedule(PERIOD);
    schedule.placed('a', T0);
    schedule.placed('a', T0 + 200_000);
    expect(schedule.due('a', T0 + PERIOD)).toBe(true);
  });

  it("then when its coordinator said, or a period on when it had nothing to flush (or did not answer)", () => {
    const schedule = new FlushSchedule(PERIOD);
    schedule.answered('a', T0 + 10_000, T0);
    schedule.answered('b', null, T0);
    expect(schedule.due('a', T0 + 10_000)).toBe(true);
    expect(schedule.due('b', T0 + PERIOD - 1)).toBe(false);
    expect(schedule.due('b', T0 + PERIOD)).toBe(true);
  });

  it('after a restart, tenants found placed are spread over one period, not all woken at once', () => {
    const shares = [0, 0.5, 0.999];
    const schedule = new FlushSchedule(PERIOD, () => shares.shift()!);
    expect(['a', 'b', 'c'].map((t) => schedule.due(t, T0))).toEqual([true, false, false]);
    expect(schedule.due('b', T0 + PERIOD / 2)).toBe(true);
    expect(schedule.due('c', T0 + PERIOD / 2)).toBe(false);
    expect(schedule.due('c', T0 + PERIOD)).toBe(true);
  });

  it('forgets tenants with nothing placed any more', () => {
    const schedule = new FlushSchedule(PERIOD, () => 0.5);
    schedule.answered('gone', T0, T0);
    schedule.keepOnly(new Set());
    expect(schedule.due('gone', T0)).toBe(false);
  });
});
