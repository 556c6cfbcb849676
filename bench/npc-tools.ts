/**
 * NPC tool round trips as the voice node makes them: its own MCP client (the official SDK,
 * voice-node/src/npc-tools/npc-toolbelt.ts) calling the Worker's `/mcp` under `wrangler dev`
 * on workerd's own port, the tool running on Postgres, the result back at the node. The NPC
 * belongs to a campaign of 5,000 entities and 20,000 relationships; its session is live on a
 * simulated node, as a tool token needs. Calls go one after another, as one NPC makes them.
 */
import { createCampaign, createDb, listNpcs } from '../db/src/index.ts';
import { createLogger, type NpcDefinition } from '../protocol/src/index.ts';
import { NpcToolbelt } from '../voice-node/src/npc-tools/npc-toolbelt.ts';
import { ToolToken } from '../voice-node/src/npc-tools/tool-token.ts';
import { startBenchEdge, snowflake } from './lib/bench-edge.ts';
import { loadCampaignGraph, random } from './lib/campaign-graph.ts';
import { SimulatedNode } from './lib/simulated-node.ts';
import { ms, percentile, type Row } from './lib/stats.ts';

const TENANT = 'bench-npc-tools';
const ENTITIES = 5000;
const RELATIONSHIPS = 20_000;
const WARM_UP = 30;
const SAMPLES = 500;
const voice = { provider: 'espeak', voice_id: 'en', pitch: 0, speed: 1 };

export async function npcToolBenchmarks(databaseUrl: string): Promise<Row[]> {
  // One NPC calling a thousand times in a few minutes is far over the per-NPC limit; the limiter still runs on every call.
  const bench = await startBenchEdge(databaseUrl, { vars: { RATE_LIMIT_MCP_PER_MINUTE: '1000000' } });
  const { db, close } = createDb(databaseUrl, { max: 2 });
  let node: SimulatedNode | undefined;
  let belt: NpcToolbelt | undefined;
  try {
    const { api, edgeUrl } = bench;
    if ((await api('POST', '/tenants', { id: TENANT, license_tier: 'dedicated', tier: 'guild' })).status !== 201) throw new Error('could not create the tenant');
    const campaign = await createCampaign(db, TENANT, { campaign: { name: 'Bench Saga' }, npcs: [{ name: 'Sage', voice, tools: ['roll_dice', 'campaign_knowledge'] }], entities: [] }, { makeCurrent: true });
    const started = performance.now();
    await loadCampaignGraph(db, TENANT, campaign!.id, { entities: ENTITIES, relationships: RELATIONSHIPS, rand: random(17) });
    console.log(`npc-tools: ${ENTITIES} entities, ${RELATIONSHIPS} relationships loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const created = await api('POST', '/nodes', { pool: TENANT });
    node = await SimulatedNode.connect(edgeUrl, created.body.token, 4);
    const session = await api('POST', `/tenants/${TENANT}/sessions?wait=active`, { guild_id: snowflake(1), channel_id: snowflake(2), started_by: snowflake(3) });
    if (session.body?.session?.state !== 'active') throw new Error(`the session did not start: ${JSON.stringify(session.body)}`);
    const npcId = (await listNpcs(db, TENANT, campaign!.id))![0]!.id;
    belt = new NpcToolbelt({ id: npcId, name: 'Sage', tools: ['roll_dice', 'campaign_knowledge'] } as NpcDefinition, {
      tokenUrl: `${edgeUrl}/nodes/tool-tokens`,
      mcpUrl: `${edgeUrl}/mcp`,
      nodeToken: created.body.token,
      sessionId: session.body.session.id,
      log: createLogger({}, { level: 'warn' }),
    });
    if ((await belt.offer(['roll_dice', 'campaign_knowledge'])).length !== 2) throw new Error('the edge did not list the NPC tools');

    const signal = new AbortController().signal;
    const timed = async (label: string, call: (i: number) => { name: string; arguments: Record<string, unknown> }) => {
      const times: number[] = [];
      for (let i = 0; i < WARM_UP + SAMPLES; i++) {
        const begin = performance.now();
        const outcome = await belt!.call({ id: `b${i}`, ...call(i) }, signal);
        if (outcome.isError) throw new Error(`${label} failed: ${outcome.content}`);
        if (i >= WARM_UP) times.push(performance.now() - begin);
      }
      return times;
    };
    const dice = await timed('roll_dice', () => ({ name: 'roll_dice', arguments: { notation: '2d20kh1+5' } }));
    // The same call as one bare JSON-RPC POST: what of the round trip is the edge's, not the SDK client's.
    const token = await new ToolToken(`${edgeUrl}/nodes/tool-tokens`, created.body.token, { session_id: session.body.session.id, npc_id: npcId }).value();
    const bare: number[] = [];
    for (let i = 0; i < WARM_UP + SAMPLES; i++) {
      const begin = performance.now();
      const res = await fetch(`${edgeUrl}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'roll_dice', arguments: { notation: '2d20kh1+5' } } }),
      });
      if (res.status !== 200) throw new Error(`bare roll_dice: ${res.status}`);
      await res.text();
      if (i >= WARM_UP) bare.push(performance.now() - begin);
    }
    const knowledge = await timed('campaign_knowledge', (i) => ({ name: 'campaign_knowledge', arguments: { name: `Entity ${(i * 7919) % ENTITIES}`, depth: 1 } }));
    const rows: Row[] = [
      { benchmark: 'NPC tool round trip node -> edge /mcp -> roll_dice -> node, p50 / p99', result: `${ms(percentile(dice, 50))} / ${ms(percentile(dice, 99))}`, target: 'p99 < 15 ms', met: percentile(dice, 99) < 15 },
      { benchmark: 'the same roll_dice as a bare JSON-RPC POST (no MCP client), p50 / p99', result: `${ms(percentile(bare, 50))} / ${ms(percentile(bare, 99))}`, target: '-', met: null },
      {
        benchmark: `NPC tool round trip, campaign_knowledge depth 1 on ${ENTITIES} entities / ${RELATIONSHIPS} relationships, p50 / p99`,
        result: `${ms(percentile(knowledge, 50))} / ${ms(percentile(knowledge, 99))}`,
        target: 'p99 < 30 ms',
        met: percentile(knowledge, 99) < 30,
      },
    ];
    for (const row of rows) console.log(`npc-tools: ${row.benchmark}: ${row.result}`);
    return rows;
  } finally {
    belt?.close();
    node?.close();
    await close();
    await bench.close();
  }
}

