import { PerformanceObserver, constants } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// V8's own full collection, for `settle` (the flag makes a new context's global `gc`).
setFlagsFromString('--expose-gc');
const fullGc = runInNewContext('gc') as () => void;

/** One timed call: when it started (ms into its series), how long it took, and what the edge said it spent. */
export interface TimedCall {
  at: number;
  ms: number;
  serverTiming: string;
}

/**
 * What a p99 is made of: the slowest calls of a series, each with its time into the series,
 * the edge's Server-Timing parts, and what else happened then (the simulated node's
 * heartbeats, this process's own GC pauses), so a tail is correlated rather than guessed.
 */
export class CallTail {
  /** The Server-Timing of the latest /mcp answer: the SDK client hands back no headers, so it is read off fetch. */
  private lastTiming = '';
  private readonly gcs: Array<{ at: number; ms: number; major: boolean }> = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) this.gcs.push({ at: entry.startTime, ms: entry.duration, major: (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR });
  });
  private readonly realFetch = globalThis.fetch;

  constructor() {
    const real = this.realFetch;
    globalThis.fetch = async (input, init) => {
      const res = await real(input, init);
      if (String(input instanceof Request ? input.url : input).endsWith('/mcp')) this.lastTiming = res.headers.get('server-timing') ?? '';
      return res;
    };
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /**
   * A full collection of this process before a series: what the bench made before it (the
   * loaded graph, the last series' calls) is not collected in the middle of the series. This
   * process is the node's client and also the local database pooler (scripts/lib/system.ts),
   * so its pauses stall both; a voice node's heap holds none of the bench's data.
   */
  settle(): void {
    fullGc();
  }

  /** The Server-Timing of the answer since the last take. */
  takeTiming(): string {
    const timing = this.lastTiming;
    this.lastTiming = '';
    return timing;
  }

  /**
   * The `count` slowest of `calls` (started at `origin`, performance.now()), one line each, with
   * the heartbeats sent (`beats`, performance.now()) and GC pauses of this process during the call.
   */
  describe(label: string, origin: number, calls: TimedCall[], beats: number[], count = 10): string {
    const during = (times: number[], c: TimedCall) => times.filter((t) => t >= origin + c.at - 1 && t <= origin + c.at + c.ms);
    const lines = [...calls]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, count)
      .map((c) => {
        const beat = during(beats, c).length > 0 ? ' heartbeat' : '';
        const gcs = this.gcs.filter((g) => g.at + g.ms >= origin + c.at && g.at <= origin + c.at + c.ms);
        const gc = gcs.reduce((sum, g) => sum + g.ms, 0);
        return `  ${c.ms.toFixed(1)} ms at +${(c.at / 1000).toFixed(3)} s [${c.serverTiming || 'no server-timing'}]${beat}${gc > 0 ? ` client-gc ${gc.toFixed(1)} ms${gcs.some((g) => g.major) ? ' (major)' : ''}` : ''}`;
      });
    const end = origin + Math.max(...calls.map((c) => c.at + c.ms));
    const inSeries = beats.filter((t) => t >= origin && t <= end);
    const pauses = this.gcs.filter((g) => g.at >= origin && g.at <= end);
    const major = pauses.filter((g) => g.major);
    const gcLine = `client GC in the series: ${pauses.length} pauses, ${pauses.reduce((s, g) => s + g.ms, 0).toFixed(1)} ms, ${major.length} major (${major.reduce((s, g) => s + g.ms, 0).toFixed(1)} ms)`;
    return `npc-tools: ${label}: the ${count} slowest of ${calls.length} calls (heartbeats sent in the series at ${inSeries.map((t) => `+${((t - origin) / 1000).toFixed(3)}`).join(', ') || 'none'} s; ${gcLine}):\n${lines.join('\n')}`;
  }

  close(): void {
    globalThis.fetch = this.realFetch;
    this.observer.disconnect();
  }
}
