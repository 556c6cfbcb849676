import { join } from 'node:path';
import * as v from 'valibot';
import { startChild } from '../../../scripts/lib/processes.ts';
import { ROOT } from '../bench-edge.ts';
import { GC_LOG_ENV, GcLog, type GcPause } from './gc-log.ts';
import { readyPort, SeriesResultSchema, type SeriesRequest, type SeriesResult } from './series.ts';

/** How long the caller may take to start: Bun, the MCP client's handshake and the NPC's tool list. */
const READY_TIMEOUT_MS = 30_000;

/** A series as the caller made it, with the caller's GC pauses while it ran. */
export interface CallerSeries extends SeriesResult {
  pauses: GcPause[];
}

export interface ToolCaller {
  /** The calls of `request`, made one after another in the caller; the kept ones timed. */
  series(request: SeriesRequest): Promise<CallerSeries>;
  stop(): Promise<number>;
}

export interface ToolCallerOptions {
  /** workerd's own URL (bench-edge.ts). */
  edgeUrl: string;
  nodeToken: string;
  sessionId: string;
  npcId: string;
  tools: string[];
}

/**
 * The NPC tool caller (main.ts) as a child: the project's Bun, as the voice node is run
 * (scripts/lib/system.ts), in a process group of its own, with the bench run's mark in its
 * environment (run-guard.ts stops it when the run is interrupted), its engine logging each
 * collection (gc-log.ts). Resolves once it has the NPC's tools and listens; rejects, saying why,
 * when it cannot start.
 */
export async function startToolCaller(options: ToolCallerOptions): Promise<ToolCaller> {
  let listening!: (port: number) => void;
  const ready = new Promise<number>((resolve) => (listening = resolve));
  const gcLog = new GcLog();
  const child = startChild('npc tool caller', join(ROOT, 'node_modules', '.bin', 'bun'), [join(ROOT, 'bench', 'lib', 'tool-caller', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...GC_LOG_ENV,
      CALLER_EDGE_URL: options.edgeUrl,
      CALLER_NODE_TOKEN: options.nodeToken,
      CALLER_SESSION_ID: options.sessionId,
      CALLER_NPC_ID: options.npcId,
      CALLER_TOOLS: options.tools.join(','),
    },
    onLine: (line, stream) => {
      const port = readyPort(line);
      if (port !== undefined) return listening(port);
      if (gcLog.take(line, performance.timeOrigin + performance.now())) return;
      process[stream].write(`${line}\n`);
    },
  });
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, READY_TIMEOUT_MS, 'timeout').unref());
  const outcome = await Promise.race([ready, child.down, timeout]);
  if (typeof outcome !== 'number') {
    await child.stop();
    throw new Error(`the ${child.name} ${outcome === 'timeout' ? `did not listen within ${READY_TIMEOUT_MS / 1000} s` : await child.down}`);
  }
  const gone = child.down.then((why) => Promise.reject(new Error(`the ${child.name} ${why}`)));
  gone.catch(() => {});
  return {
    async series(request) {
      const asked = (async () => {
        const res = await fetch(`http://127.0.0.1:${outcome}/series`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
        if (res.status !== 200) throw new Error(`the ${child.name} failed a series: ${await res.text()}`);
        const result = v.parse(SeriesResultSchema, await res.json());
        // Its log lines arrive as the pauses end: those of the series' time, and a little after (the pipe).
        const end = result.origin + Math.max(0, ...result.calls.map((c) => c.at + c.ms)) + 5;
        return { ...result, pauses: gcLog.pauses.filter((p) => p.at >= result.origin && p.at <= end) };
      })();
      return Promise.race([asked, gone]);
    },
    stop: () => child.stop(),
  };
}
