import type { SeriesResult, TimedCall } from './tool-caller/series.ts';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * What a p99 is made of: the `count` slowest calls of a series (made in the NPC tool caller,
 * tool-caller/main.ts), one line each, with its time into the series, the edge's Server-Timing
 * parts and what else happened then: the simulated node's heartbeats (`beats`, ms since the
 * epoch) and the caller's garbage collection as Bun tells it (a collection ended in the call;
 * its pause is not available), so a tail is correlated rather than guessed.
 */
export function describeTail(label: string, series: SeriesResult, beats: number[], count = 10): string {
  const { origin, calls, heapBytes } = series;
  const during = (c: TimedCall) => beats.some((t) => t >= origin + c.at - 1 && t <= origin + c.at + c.ms);
  const lines = [...calls]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count)
    .map((c) => `  ${c.ms.toFixed(1)} ms at +${(c.at / 1000).toFixed(3)} s [${c.serverTiming || 'no server-timing'}]${during(c) ? ' heartbeat' : ''}${c.collected ? ' caller-gc' : ''}`);
  const end = origin + Math.max(...calls.map((c) => c.at + c.ms));
  const inSeries = beats.filter((t) => t >= origin && t <= end);
  const gcLine = `caller GC (Bun: JSC heap size, no pause times): a collection ended in ${calls.filter((c) => c.collected).length} calls, heap ${mb(heapBytes.before)} -> ${mb(heapBytes.after)}`;
  return `npc-tools: ${label}: the ${count} slowest of ${calls.length} calls (heartbeats sent in the series at ${inSeries.map((t) => `+${((t - origin) / 1000).toFixed(3)}`).join(', ') || 'none'} s; ${gcLine}):\n${lines.join('\n')}`;
}
