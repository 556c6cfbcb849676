/**
 * The NPC tool bench's calls (bench/npc-tools.ts) made from a process like the voice node: Bun,
 * run as scripts/lib/system.ts runs the node, with nothing in its heap but one NPC's toolbelt
 * (the voice node's own NpcToolbelt, the official MCP SDK client). Timed in the bench's own
 * process, the calls' tail was that process's garbage collection (the loaded graph's leftovers,
 * the simulated node, the profiler), which a voice node does not have.
 *
 * The NPC, its session and the node's token come in the environment (not the command line,
 * where `ps` would show the token). Once the edge lists the NPC's tools, it says its loopback
 * port on stdout and serves POST /series (series.ts): the calls asked for, one after another,
 * each timed with the Server-Timing of the edge's answer, read off fetch as the SDK client hands
 * back no headers; its GC pauses are in its engine's log (gc-log.ts), its heap size before and
 * after a series in the answer. It exits on SIGTERM (Bun's default), or when the bench that
 * started it is gone.
 */
import { createServer, type IncomingMessage } from 'node:http';
import * as v from 'valibot';
import { createLogger, errorMessage, type NpcDefinition } from '../../../protocol/src/index.ts';
import { NpcToolbelt } from '../../../voice-node/src/npc-tools/npc-toolbelt.ts';
import { ToolToken } from '../../../voice-node/src/npc-tools/tool-token.ts';
import { readyLine, SeriesRequestSchema, type SeriesRequest, type SeriesResult, type TimedCall, type ToolCall } from './series.ts';

/** bun:jsc, typed here: the project has no Bun types (voice-node/src/realtime.ts does the same for bun:ffi). */
const jsc = (await import('bun:jsc' as string)) as { heapSize(): number; fullGC(): number };

const Config = v.object({
  CALLER_EDGE_URL: v.pipe(v.string(), v.url()),
  CALLER_NODE_TOKEN: v.pipe(v.string(), v.minLength(1)),
  CALLER_SESSION_ID: v.pipe(v.string(), v.minLength(1)),
  CALLER_NPC_ID: v.pipe(v.string(), v.minLength(1)),
  /** The NPC's tools, comma-separated. */
  CALLER_TOOLS: v.pipe(v.string(), v.minLength(1), v.transform((list) => list.split(','))),
});
const config = v.parse(Config, process.env);
const parent = process.ppid;
const mcpUrl = `${config.CALLER_EDGE_URL}/mcp`;
const tokenUrl = `${config.CALLER_EDGE_URL}/nodes/tool-tokens`;

let serverTiming = '';
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const res = await realFetch(input, init);
  if (String(input instanceof Request ? input.url : input).endsWith('/mcp')) serverTiming = res.headers.get('server-timing') ?? '';
  return res;
};

const npc = { id: config.CALLER_NPC_ID, name: 'bench NPC', tools: config.CALLER_TOOLS } as NpcDefinition;
const belt = new NpcToolbelt(npc, { tokenUrl, mcpUrl, nodeToken: config.CALLER_NODE_TOKEN, sessionId: config.CALLER_SESSION_ID, log: createLogger({}, { level: 'warn' }) });
const token = new ToolToken(tokenUrl, config.CALLER_NODE_TOKEN, { session_id: config.CALLER_SESSION_ID, npc_id: config.CALLER_NPC_ID });
const signal = new AbortController().signal;

const throughBelt = async (call: ToolCall, i: number) => {
  const outcome = await belt.call({ id: `b${i}`, ...call }, signal);
  if (outcome.isError) throw new Error(`${call.name} failed: ${outcome.content}`);
};
/** What of the round trip is the edge's, not the SDK client's. */
const bare = async (call: ToolCall, i: number) => {
  const res = await fetch(mcpUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${await token.value()}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: call }),
  });
  if (res.status !== 200) throw new Error(`bare ${call.name}: ${res.status}`);
  await res.text();
};

async function series(request: SeriesRequest): Promise<SeriesResult> {
  const make = request.bare ? bare : throughBelt;
  // A full collection first, so what came before (the last series' calls) is not collected in the middle of this one.
  if (request.warmUp > 0) jsc.fullGC();
  const before = jsc.heapSize();
  const calls: TimedCall[] = [];
  const origin = performance.now();
  for (const [i, call] of request.calls.entries()) {
    serverTiming = '';
    const begin = performance.now();
    await make(call, i);
    const ms = performance.now() - begin;
    if (i >= request.warmUp) calls.push({ at: begin - origin, ms, serverTiming });
  }
  return { origin: performance.timeOrigin + origin, calls, heapBytes: { before, after: jsc.heapSize() } };
}

const body = async (req: IncomingMessage) => {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
};

const offered = await belt.offer(config.CALLER_TOOLS);
if (offered.length !== config.CALLER_TOOLS.length) {
  console.error(`the edge listed ${offered.length} of the NPC's ${config.CALLER_TOOLS.length} tools`);
  process.exit(1);
}
// One series at a time: the bench waits for each answer before it asks again.
const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/series') return void res.writeHead(404).end();
  body(req)
    .then((text) => series(v.parse(SeriesRequestSchema, JSON.parse(text))))
    .then(
      (result) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(errorMessage(error)),
    );
});
server.listen(0, '127.0.0.1', () => console.log(readyLine((server.address() as { port: number }).port)));
// Orphaned (its bench killed outright), it is re-parented: nothing is left to ask it.
setInterval(() => process.ppid !== parent && process.exit(0), 1000).unref();
