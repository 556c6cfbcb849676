/**
 * Real-time scheduling for the node's threads, the event loop's first: it owns every
 * session's 20 ms output clock. Under the fair scheduler a busy machine delays a sleeping
 * thread's wake-up past 5 ms a few times in a hundred whatever its nice value (measured:
 * an idle Bun process ticking 20 frame clocks at nice -15 or -20 on this 2-core machine at
 * load 5-7 missed 1.6-3.0 % of its ticks by > 5 ms, worst ~40 ms; the same under SCHED_RR
 * 0.04 %, worst 7 ms), so no arrangement of work inside the process keeps the timeline.
 *
 * Every thread the process has, not only the event loop's: the event loop waits for
 * JavaScriptCore's JIT and garbage-collector threads at every collection (they must reach
 * a safepoint), and on the fair scheduler they queued for seconds in all under load, so an
 * event loop alone on SCHED_RR still missed 2.6-5 % of its frames, up to 60 ms late.
 * Threads started later inherit the policy; the Silero worker hands itself back to the
 * fair scheduler (useFairScheduling): inference must not compete with the audio clock.
 * The kernel's real-time throttling (95 % of each second by default) bounds what a runaway
 * loop could take.
 */

import { readdirSync } from 'node:fs';

const SCHED_OTHER = 0;
const SCHED_RR = 2;

export type SchedulingResult = { granted: true } | { granted: false; reason: string };

/** `priority` 1-99; needs CAP_SYS_NICE or an RLIMIT_RTPRIO (systemd LimitRTPRIO=) of at least `priority`. */
export function useRealtimeScheduling(priority: number): Promise<SchedulingResult> {
  return setScheduling(() => readdirSync('/proc/self/task').map(Number), SCHED_RR, priority, `needs CAP_SYS_NICE or an RLIMIT_RTPRIO of at least ${priority}`);
}

/** The calling thread back on the normal scheduler (always allowed). */
export function useFairScheduling(): Promise<SchedulingResult> {
  // Thread id 0: the calling thread.
  return setScheduling(() => [0], SCHED_OTHER, 0, 'unexpected');
}

async function setScheduling(threads: () => number[], policy: number, priority: number, needs: string): Promise<SchedulingResult> {
  if (process.platform !== 'linux') return { granted: false, reason: `not supported on ${process.platform}` };
  if (!('Bun' in globalThis)) return { granted: false, reason: 'needs Bun (bun:ffi)' };
  // Through a string, so type-checking and Node never resolve Bun's module.
  const { dlopen, ptr } = (await import('bun:ffi' as string)) as BunFfi;
  let libc: ReturnType<BunFfi['dlopen']> | undefined;
  try {
    libc = dlopen('libc.so.6', { sched_setscheduler: { args: ['i32', 'i32', 'ptr'], returns: 'i32' } });
    const param = ptr(Int32Array.of(priority));
    const refused = threads().filter((thread) => libc!.symbols.sched_setscheduler(thread, policy, param) !== 0);
    return refused.length === 0 ? { granted: true } : { granted: false, reason: `sched_setscheduler refused (${needs})` };
  } catch (error) {
    return { granted: false, reason: String(error) };
  } finally {
    libc?.close();
  }
}

interface BunFfi {
  dlopen(
    path: string,
    symbols: { sched_setscheduler: { args: ['i32', 'i32', 'ptr']; returns: 'i32' } },
  ): { symbols: { sched_setscheduler(pid: number, policy: number, param: unknown): number }; close(): void };
  ptr(view: ArrayBufferView): unknown;
}
