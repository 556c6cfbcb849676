import { FRAME_MS } from './format.ts';

/**
 * Calls `onTick` once per frame period, scheduled from the start time (tick n is due at
 * start + n * period), so timer lateness never accumulates into drift. A tick that is
 * late is still delivered, with how late it was; if the process stalled for more than
 * MAX_CATCH_UP frames, the clock re-anchors at now instead of bursting the backlog
 * (a receiver's jitter buffer takes a few frames early, not a second of them).
 */

export interface FrameTick {
  /** Ticks since start(). */
  index: number;
  /** When this tick was due and when it ran (performance.now() with the default scheduler). */
  dueAt: number;
  ranAt: number;
  /** ranAt - dueAt. */
  lateMs: number;
}

export interface FrameClock {
  /** First tick due now. No-op while running. */
  start(): void;
  stop(): void;
  readonly running: boolean;
}

/** Time and timers; the default is the process's own (tests substitute a late-firing one). */
export interface Scheduler {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemScheduler: Scheduler = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const MAX_CATCH_UP = 3;

export function createFrameClock(
  onTick: (tick: FrameTick) => void,
  periodMs = FRAME_MS,
  scheduler: Scheduler = systemScheduler,
): FrameClock {
  let timer: unknown;
  let anchor = 0;
  let index = 0;
  let running = false;

  const schedule = () => {
    const dueAt = anchor + index * periodMs;
    timer = scheduler.setTimeout(fire, Math.max(0, dueAt - scheduler.now()));
  };

  const fire = () => {
    timer = undefined;
    // Deliver every tick that is due; onTick may stop the clock, or stall it.
    while (running) {
      const now = scheduler.now();
      if (anchor + index * periodMs > now) break;
      if (now - (anchor + index * periodMs) > MAX_CATCH_UP * periodMs) anchor = now - index * periodMs;
      const dueAt = anchor + index * periodMs;
      onTick({ index, dueAt, ranAt: now, lateMs: now - dueAt });
      index += 1;
    }
    if (running && timer === undefined) schedule();
  };

  return {
    start() {
      if (running) return;
      running = true;
      anchor = scheduler.now();
      index = 0;
      schedule();
    },
    stop() {
      running = false;
      if (timer !== undefined) scheduler.clearTimeout(timer);
      timer = undefined;
    },
    get running() {
      return running;
    },
  };
}
