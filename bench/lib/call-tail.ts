import type { GcPause } from './tool-caller/gc-log.ts';
import type { CallerSeries } from './tool-caller/process.ts';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
/** A pause's log line may reach us a little after the pause ended (the pipe, our event loop). */
const LOG_SLACK_MS = 2;

/**
 * What a p99 is made of: the `count` slowest calls of a series (made in the NPC tool caller,
 * tool-caller/main.ts), one line each, with its time into the series, the edge's Server-Timing
 * parts and what else happened then: the simulated node's heartbeats (`beats`, ms since the
 * epoch) and the caller's GC pauses, so a tail is correlated rather than guessed.
 */
export function describeTail(label: string, series: CallerSeries, beats: number[], count = 10): string {
  const { origin, calls, heapBytes, pauses } = series;
  const start = origin + Math.min(...calls.map((c) => c.at));
  const end = origin + Math.max(...calls.map((c) => c.at + c.ms));
  const within = (from: number, to: number) => (p: GcPause) => p.at >= from && p.at - p.ms - LOG_SLACK_MS <= to;
  const total = (list: GcPause[]) => `${list.reduce((sum, p) => sum + p.ms, 0).toFixed(1)} ms`;
  const lines = [...calls]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count)
    .map((c) => {
      const from = origin + c.at;
      const to = from + c.ms;
      const beat = beats.some((t) => t >= from - 1 && t <= to) ? ' heartbeat' : '';
      const inCall = pauses.filter(within(from, to + LOG_SLACK_MS));
      return `  ${c.ms.toFixed(1)} ms at +${(c.at / 1000).toFixed(3)} s [${c.serverTiming || 'no server-timing'}]${beat}${inCall.length > 0 ? ` caller-gc ${total(inCall)}${inCall.some((p) => p.full) ? ' (full)' : ''}` : ''}`;
    });
  const inSeries = beats.filter((t) => t >= origin && t <= end);
  const kept = pauses.filter(within(start, end + LOG_SLACK_MS));
  const full = kept.filter((p) => p.full);
  const gcLine = `caller GC in the kept calls: ${kept.length} pauses, ${total(kept)}, ${full.length} of full collections (${total(full)}), longest ${Math.max(0, ...kept.map((p) => p.ms)).toFixed(1)} ms; heap ${mb(heapBytes.before)} -> ${mb(heapBytes.after)}`;
  return `npc-tools: ${label}: the ${count} slowest of ${calls.length} calls (heartbeats sent in the series at ${inSeries.map((t) => `+${((t - origin) / 1000).toFixed(3)}`).join(', ') || 'none'} s; ${gcLine}):\n${lines.join('\n')}`;
}
