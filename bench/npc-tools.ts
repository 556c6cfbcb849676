/**
 * NPC tool round trips as the voice node makes them: a Bun process like the node
 * (bench/lib/tool-caller/main.ts, run with the project's Bun), with the node's own MCP client
 * (the official SDK, voice-node/src/npc-tools/npc-toolbelt.ts) in an otherwise empty heap,
 * calling the Worker's `/mcp` under `wrangler dev` on workerd's own port, the tool running on
 * Postgres, the result back at the caller. Timed in this process, the calls' tail was its own
 * garbage collection (the loaded graph's leftovers, the simulated node, the profiler). The NPC
 * belongs to a campaign of 5,000 entities and 20,000 relationships; its session is live on a
 * simulated node, as a tool token needs. Calls go one after another, as one NPC makes them;
 * the bare JSON-RPC POSTs are made from the same caller. After the timed calls, more of each
 * under the CPU profiler of the Worker's isolate (bench/lib/cpu-profile.ts): where a call's
 * CPU goes, by package.
 *
 * Then what a tool-using turn adds to mouth-to-ear: a real Bun voice node in the tenant's
 * pool, STT, LLM and TTS stand-ins at the voice bench's latencies (bench/lib/spoken-turns.ts),
 * and a player asking Grimjaw the same spoken question turn after turn, while Grimjaw has no
 * tools, then `roll_dice` only, then `campaign_knowledge` only. With a tool, the LLM stand-in
 * calls it (streamed in OpenAI's tool-calling format) and answers once the result is back.
 */
import { eq } from 'drizzle-orm';
import { createCampaign, createDb, listNpcs, type Database } from '../db/src/index.ts';
import { npcs } from '../db/src/schema/index.ts';
import { startDeepgramStandIn, startOpenAiStandIn, type ReplyScript } from '../providers/test/stand-ins/index.ts';
import type { NpcToolName } from '../protocol/src/index.ts';
import { freePort } from '../scripts/lib/ports.ts';
import type { Child } from '../scripts/lib/processes.ts';
import { startVoiceNode } from '../scripts/lib/system.ts';
import { connectAudioClient } from '../voice-node/src/transport/websocket-audio-client.ts';
import { spoken } from '../voice-node/test/helpers/spoken.ts';
import { ROOT, startBenchEdge, snowflake, waitConnected, type BenchEdge } from './lib/bench-edge.ts';
import { loadCampaignGraph, random } from './lib/campaign-graph.ts';
import { describeTail } from './lib/call-tail.ts';
import { describeProfile, profileWorker } from './lib/cpu-profile.ts';
import { cpuSeconds, processesInGroup } from './lib/process-cpu.ts';
import { SimulatedNode } from './lib/simulated-node.ts';
import { LATENCY, QUESTION, REPLY, timeline, turns } from './lib/spoken-turns.ts';
import { ms, percentile, type Row } from './lib/stats.ts';
import { startToolCaller, type ToolCaller } from './lib/tool-caller/process.ts';
import type { ToolCall } from './lib/tool-caller/series.ts';

const TENANT = 'bench-npc-tools';
const ENTITIES = 5000;
const RELATIONSHIPS = 20_000;
const WARM_UP = 30;
const SAMPLES = 500;
const TURNS = 20;
/** Calls of each tool under the CPU profiler, after the timed ones (the profiler slows the isolate). */
const PROFILED = 300;
const voice = { provider: 'espeak', voice_id: 'en', pitch: 0, speed: 1 };

/** `turns: false` (`--no-turns`) skips the mouth-to-ear part, most of the run, to iterate on the round trips. */
export async function npcToolBenchmarks(databaseUrl: string, options: { turns?: boolean } = {}): Promise<Row[]> {
  // One NPC calling a thousand times in a few minutes is far over the per-NPC limit; the limiter still counts every call (taken ahead in leases, docs/MCP.md).
  const inspectorPort = await freePort();
  const bench = await startBenchEdge(databaseUrl, { vars: { RATE_LIMIT_MCP_PER_MINUTE: '1000000' }, inspectorPort });
  const { db, close } = createDb(databaseUrl, { max: 2 });
  let node: SimulatedNode | undefined;
  let caller: ToolCaller | undefined;
  try {
    const { api, edgeUrl } = bench;
    if ((await api('POST', '/tenants', { id: TENANT, license_tier: 'dedicated', tier: 'guild' })).status !== 201) throw new Error('could not create the tenant');
    const campaign = await createCampaign(
      db,
      TENANT,
      {
        campaign: { name: 'Bench Saga' },
        npcs: [
          { name: 'Sage', voice, tools: ['roll_dice', 'campaign_knowledge'] },
          { name: 'Grimjaw', voice: { provider: 'openai', voice_id: 'onyx', pitch: 0, speed: 1 } },
        ],
        entities: [],
      },
      { makeCurrent: true },
    );
    const started = performance.now();
    await loadCampaignGraph(db, TENANT, campaign!.id, { entities: ENTITIES, relationships: RELATIONSHIPS, rand: random(17) });
    console.log(`npc-tools: ${ENTITIES} entities, ${RELATIONSHIPS} relationships loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const created = await api('POST', '/nodes', { pool: TENANT });
    node = await SimulatedNode.connect(edgeUrl, created.body.token, 4);
    const session = await api('POST', `/tenants/${TENANT}/sessions?wait=active`, { guild_id: snowflake(1), channel_id: snowflake(2), started_by: snowflake(3) });
    if (session.body?.session?.state !== 'active') throw new Error(`the session did not start: ${JSON.stringify(session.body)}`);
    const cast = (await listNpcs(db, TENANT, campaign!.id))!;
    const npcId = cast.find((n) => n.name === 'Sage')!.id;
    const tools = ['roll_dice', 'campaign_knowledge'];
    caller = await startToolCaller({ edgeUrl, nodeToken: created.body.token, sessionId: session.body.session.id, npcId, tools });

    // One series of calls one after another in the caller: the first `warmUp` not kept; the times of the rest, its slowest shown (call-tail.ts).
    const series = async (label: string, call: (i: number) => ToolCall, options: { count?: number; warmUp?: number; bare?: boolean } = {}) => {
      const { count = WARM_UP + SAMPLES, warmUp = WARM_UP, bare = false } = options;
      const result = await caller!.series({ calls: Array.from({ length: count }, (_, i) => call(i)), warmUp, bare });
      if (warmUp > 0) console.log(describeTail(label, result, node!.beatsAt.map((t) => performance.timeOrigin + t)));
      return result.calls.map((c) => c.ms);
    };
    // workerd's CPU a call (all its threads, /proc): the Worker, the RateLimiter object and the runtime's socket work.
    const workerd = processesInGroup(bench.edge.pid, 'workerd');
    const withWorkerdCpu = async (work: () => Promise<number[]>) => {
      const before = cpuSeconds(workerd);
      const times = await work();
      return { times, cpuMs: ((cpuSeconds(workerd) - before) * 1000) / (WARM_UP + SAMPLES) };
    };
    const diceCall = () => ({ name: 'roll_dice', arguments: { notation: '2d20kh1+5' } });
    const knowledgeCall = (i: number) => ({ name: 'campaign_knowledge', arguments: { name: `Entity ${(i * 7919) % ENTITIES}`, depth: 1 } });
    const dice = await withWorkerdCpu(() => series('roll_dice', diceCall));
    // The same call as one bare JSON-RPC POST from the same caller: what of the round trip is the edge's, not the SDK client's.
    const bare = await series('bare roll_dice', diceCall, { bare: true });
    const knowledge = await withWorkerdCpu(() => series('campaign_knowledge', knowledgeCall));
    // Where the isolate's time goes (the Worker and its Durable Objects share it): its busy time a call and its parts.
    const profiled = async (label: string, call: (i: number) => ToolCall) => {
      const { summary } = await profileWorker(inspectorPort, () => series(label, call, { count: PROFILED, warmUp: 0 }));
      console.log(`npc-tools: CPU profile of ${PROFILED} ${label} calls, ${(summary.busyMs / PROFILED).toFixed(2)} ms busy a call: ${describeProfile(summary)}`);
      return summary;
    };
    const diceProfile = await profiled('roll_dice', diceCall);
    const knowledgeProfile = await profiled('campaign_knowledge', knowledgeCall);
    const rows: Row[] = [
      { benchmark: 'NPC tool round trip node -> edge /mcp -> roll_dice -> node, timed in a Bun process like the voice node, p50 / p99', result: `${ms(percentile(dice.times, 50))} / ${ms(percentile(dice.times, 99))}`, target: 'p99 < 15 ms', met: percentile(dice.times, 99) < 15 },
      { benchmark: 'the same roll_dice as a bare JSON-RPC POST (no MCP client), from the same Bun process, p50 / p99', result: `${ms(percentile(bare, 50))} / ${ms(percentile(bare, 99))}`, target: '-', met: null },
      {
        benchmark: `NPC tool round trip, campaign_knowledge depth 1 on ${ENTITIES} entities / ${RELATIONSHIPS} relationships, timed in a Bun process like the voice node, p50 / p99`,
        result: `${ms(percentile(knowledge.times, 50))} / ${ms(percentile(knowledge.times, 99))}`,
        target: 'p99 < 30 ms',
        met: percentile(knowledge.times, 99) < 30,
      },
      { benchmark: 'workerd CPU a call (all its threads, /proc): roll_dice / campaign_knowledge', result: `${dice.cpuMs.toFixed(2)} / ${knowledge.cpuMs.toFixed(2)} ms`, target: '-', met: null },
      { benchmark: `the isolate's profiled busy time a call (${PROFILED} calls each, 1 ms samples): roll_dice / campaign_knowledge`, result: `${(diceProfile.busyMs / PROFILED).toFixed(2)} / ${(knowledgeProfile.busyMs / PROFILED).toFixed(2)} ms`, target: '-', met: null },
      { benchmark: "roll_dice: the isolate's CPU profile, self time by part", result: describeProfile(diceProfile, 6), target: '-', met: null },
      { benchmark: "campaign_knowledge: the isolate's CPU profile, self time by part", result: describeProfile(knowledgeProfile, 6), target: '-', met: null },
    ];
    for (const row of rows) console.log(`npc-tools: ${row.benchmark}: ${row.result}`);
    await caller.stop();
    caller = undefined;
    // The simulated node makes way for a real one: its session ends, and the pool is the voice node's alone.
    await api('POST', `/sessions/${session.body.session.id}/stop`);
    node.close();
    node = undefined;
    const grimjaw = cast.find((n) => n.name === 'Grimjaw')!.id;
    return options.turns === false ? rows : [...rows, ...(await toolTurnCost(bench, db, grimjaw))];
  } finally {
    await caller?.stop();
    node?.close();
    await close();
    await bench.close();
  }
}


/** Grimjaw's model: with a tool offered and no result yet, one call of it; otherwise the answer. */
const oneToolCall: ReplyScript = (prompt) => {
  const tool = prompt.tools[0] as NpcToolName | undefined;
  if (!tool || prompt.results.length > 0) return REPLY;
  return { calls: [{ name: tool, arguments: tool === 'roll_dice' ? { notation: '1d20+5' } : { name: 'Entity 42', depth: 1 } }] };
};

/** Mouth-to-ear of the same question with Grimjaw given no tool, then each tool alone; p50/p95 and what the tool adds. */
async function toolTurnCost(bench: BenchEdge, db: Database, grimjaw: string): Promise<Row[]> {
  const { api, edgeUrl } = bench;
  const failed: string[] = [];
  const stt = await startDeepgramStandIn({ transcript: timeline.streaming, streaming: { finalMs: LATENCY.sttFinal, interimEveryMs: 100 } });
  const llm = await startOpenAiStandIn({
    reply: (prompt) => (failed.push(...prompt.results.filter((r) => r.isError).map((r) => `${r.name}: ${r.content}`)), oneToolCall(prompt)),
    latency: { firstByteMs: LATENCY.llmFirstToken, chunkMs: LATENCY.llmPerToken },
  });
  const tts = await startOpenAiStandIn({ latency: { firstByteMs: LATENCY.ttsFirstByte, chunkMs: 2 } });
  let voiceNode: Child | undefined;
  try {
    // Deepgram's stand-in listens at ws://; a tenant names a vendor by its https:// root (the node speaks wss:// to it).
    for (const [role, standIn, kind] of [['stt', stt, 'deepgram'], ['llm', llm, 'openai'], ['tts', tts, 'openai']] as const) {
      const res = await api('PUT', `/tenants/${TENANT}/providers/${role}`, { kind, base_url: standIn.url.replace(/^ws/, 'http'), model: 'bench', api_key: 'sk-bench' });
      if (res.status !== 200) throw new Error(`could not set the ${role} provider: ${JSON.stringify(res.body)}`);
    }
    const created = await api('POST', '/nodes', { pool: TENANT });
    voiceNode = startVoiceNode({ root: ROOT, edgeUrl, token: created.body.token, stdio: 'ignore', env: { LOG_LEVEL: 'warn' } });
    await waitConnected(api, created.body.node_id);
    const question = spoken(QUESTION.fixture, QUESTION.text);
    const measured: Array<{ tools: NpcToolName[]; latencies: number[] }> = [];
    for (const tools of [[], ['roll_dice'], ['campaign_knowledge']] as NpcToolName[][]) {
      // Definitions are read at session start: each configuration is a session of its own.
      await db.update(npcs).set({ tools }).where(eq(npcs.id, grimjaw));
      const started = await api('POST', `/tenants/${TENANT}/sessions?wait=active`, { guild_id: snowflake(10), channel_id: snowflake(11), started_by: snowflake(12) });
      if (started.body?.session?.state !== 'active') throw new Error(`the session did not start: ${JSON.stringify(started.body)}`);
      const { id, audio } = started.body.session;
      const player = await connectAudioClient({ url: audio.url, token: audio.token, speakerId: '423456789012345678', speakerName: 'Ana' });
      measured.push({ tools, latencies: await turns(player, question, TURNS) });
      await player.close();
      await api('POST', `/sessions/${id}/stop`);
    }
    if (failed.length > 0) throw new Error(`tool calls failed: ${failed.slice(0, 3).join('; ')}`);
    const [none, ...withTool] = measured;
    const p = (latencies: number[]) => [percentile(latencies, 50), percentile(latencies, 95)] as const;
    const [base50, base95] = p(none!.latencies);
    const rows: Row[] = [
      { benchmark: `mouth-to-ear (last sound -> first NPC audio), real voice node, streaming STT stand-ins, ${TURNS} turns: Grimjaw with no tools, p50 / p95`, result: `${ms(base50)} / ${ms(base95)}`, target: '-', met: null },
      ...withTool.map(({ tools, latencies }) => {
        const [p50, p95] = p(latencies);
        return {
          benchmark: `... the same question, the model calling ${tools[0]} once before it answers: p50 / p95 (added: p50 / p95)`,
          result: `${ms(p50)} / ${ms(p95)} (+${ms(p50 - base50)} / +${ms(p95 - base95)})`,
          target: 'reported',
          met: null,
        };
      }),
    ];
    for (const row of rows) console.log(`npc-tools: ${row.benchmark}: ${row.result}`);
    return rows;
  } finally {
    await voiceNode?.stop();
    await Promise.all([stt.close(), llm.close(), tts.close()]);
  }
}
