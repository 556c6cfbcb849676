import * as v from 'valibot';

/**
 * What the NPC tool bench (bench/npc-tools.ts) and its tool caller (main.ts, a Bun process like
 * the voice node) say to each other: the bench asks for a series of tool calls, the caller makes
 * them one after another and answers with the time of each.
 */

/** A tool call as an NPC's model makes it. */
const ToolCallSchema = v.object({ name: v.string(), arguments: v.record(v.string(), v.unknown()) });
export type ToolCall = v.InferOutput<typeof ToolCallSchema>;

export const SeriesRequestSchema = v.object({
  calls: v.array(ToolCallSchema),
  /** The first this many calls are made and not kept: they compile the edge's code paths. */
  warmUp: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** Each call as one bare JSON-RPC POST to `/mcp` with the NPC's token, without the MCP client. */
  bare: v.boolean(),
});
export type SeriesRequest = v.InferOutput<typeof SeriesRequestSchema>;

const TimedCallSchema = v.object({
  /** When the call started, ms into its series (warm-up included). */
  at: v.number(),
  ms: v.number(),
  /** The Server-Timing header of the edge's answer ('' if none). */
  serverTiming: v.string(),
});
export type TimedCall = v.InferOutput<typeof TimedCallSchema>;

export const SeriesResultSchema = v.object({
  /** When the series began, in ms since the epoch (performance.timeOrigin + performance.now()): one clock for every process. */
  origin: v.number(),
  /** The kept calls. */
  calls: v.array(TimedCallSchema),
  /** The caller's JSC heap size in bytes (bun:jsc heapSize) at the start of the series and at its end. */
  heapBytes: v.object({ before: v.number(), after: v.number() }),
});
export type SeriesResult = v.InferOutput<typeof SeriesResultSchema>;

/** The line the caller writes once it listens, and how its starter reads it. */
export const readyLine = (port: number) => `npc tool caller listening on port ${port}`;

export function readyPort(line: string): number | undefined {
  const match = /^npc tool caller listening on port (\d+)$/.exec(line);
  return match ? Number(match[1]) : undefined;
}
