import { describe, expect, it } from 'vitest';
import { createFrameClock, type FrameTick, type Scheduler } from '../../src/audio/frame-clock.ts';

/** A virtual-time scheduler whose timers all fire `lateBy` ms after they were due. */
function lateScheduler(lateBy: number) {
  let now = 0;
  let timers: Array<{ at: number; callback: () => void; id: number }> = [];
  let nextId = 1;
  const scheduler: Scheduler = {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.push({ at: now + ms + lateBy, callback, id });
      return id;
    },
    clearTimeout(handle) {
      timers = timers.filter((timer) => timer.id !== handle);
    },
  };
  const runUntil = (end: number) => {
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const next = timers[0];
      if (!next || next.at > end) break;
      timers.shift();
      now = next.at;
      next.callback();
    }
    now = end;
  };
  const stall = (ms: number) => {
    now += ms;
  };
  return { scheduler, runUntil, stall };
}

describe('frame clock', () => {
  it('schedules from its start time: timer lateness does not add up to drift', () => {
    const { scheduler, runUntil } = lateScheduler(3);
    const ticks: FrameTick[] = [];
    const clock = createFrameClock((tick) => ticks.push(tick), 20, scheduler);
    clock.start();
    runUntil(10_000);
    clock.stop();
    // Every tick 3 ms late, and 500 ticks in 10 s: an interval that re-arms from "now" would have managed 434.
    expect(ticks.length).toBe(500);
    expect(ticks.every((tick, n) => tick.dueAt === n * 20 && tick.lateMs === 3)).toBe(true);
  });

  it('delivers ticks it fell behind on, and re-anchors after a long stall instead of bursting', () => {
    const { scheduler, runUntil, stall } = lateScheduler(0);
    const ticks: FrameTick[] = [];
    const clock = createFrameClock(
      (tick) => {
        ticks.push(tick);
        if (tick.index === 2) stall(50);
        if (tick.index === 6) stall(500);
      },
      20,
      scheduler,
    );
    clock.start();
    runUntil(1000);
    clock.stop();
    // Ticks 3 and 4 became due during the 50 ms stall: delivered late, back to back.
    expect(ticks.slice(3, 5).map((tick) => Math.round(tick.lateMs))).toEqual([30, 10]);
    // After 500 ms the clock does not send 25 frames at once: it resumes on a new schedule.
    const after = ticks.filter((tick) => tick.index > 6);
    expect(after[0]?.lateMs).toBe(0);
    expect(after.every((tick) => tick.lateMs === 0)).toBe(true);
  });

  it('stops, and starts again from a fresh anchor', () => {
    const { scheduler, runUntil } = lateScheduler(0);
    const ticks: FrameTick[] = [];
    const clock = createFrameClock((tick) => ticks.push(tick), 20, scheduler);
    clock.start();
    clock.start();
    runUntil(50);
    clock.stop();
    expect(clock.running).toBe(false);
    runUntil(200);
    expect(ticks.length).toBe(3);
    clock.start();
    runUntil(230);
    expect(ticks.slice(3).map((tick) => [tick.index, tick.dueAt])).toEqual([
      [0, 200],
      [1, 220],
    ]);
  });
});
