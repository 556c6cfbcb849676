import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/src/client.ts';
import { DEMO_CAMPAIGN } from '../../db/src/demo-campaign.ts';
import { createCampaign } from '../../db/src/repos/campaigns.ts';
import { putMcpServer } from '../../db/src/repos/mcp-servers.ts';
import { sealHeaders } from '../../edge/src/secrets/mcp-server-headers.ts';
import { LORE_TOKEN, startToolServers, type ToolServerStandIn } from '../../edge/test/tool-server-stand-in.ts';
import { generateKeySpec } from '../../edge/src/secrets/keyring.ts';
import { startAnthropicStandIn, startGeminiStandIn, startOpenAiStandIn, type Prompt, type ReplyScript, type StandIn } from '../../providers/test/stand-ins/index.ts';
import { connectAudioClient, type AudioClient } from '../../voice-node/src/transport/websocket-audio-client.ts';
import { loadOrCreateInstallSecrets, writeWorkerEnv } from '../lib/install-secrets.ts';
import { freePort } from '../lib/ports.ts';
import type { Child } from '../lib/processes.ts';
import { adminCall, startEdge, startVoiceNode } from '../lib/system.ts';

/**
 * NPC tool calls end to end: a real voice node asks each vendor's LLM stand-in for a reply,
 * the stand-in calls tools in that vendor's wire format, the node runs them through the real
 * edge's `/mcp` (under `wrangler dev`, on Postgres) and the model answers from the results.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const ADMIN_KEY = 'npc-tools-admin-key';
const SECRET_KEYS = generateKeySpec('k1');
const PLAYER = '423456789012345678';
const databaseUrl = process.env.DATABASE_URL!;
const dir = mkdtempSync(join(tmpdir(), 'gx-npc-tools-'));
const { db, close: closeDb } = createDb(databaseUrl, { max: 1 });
let edge: Child;
let edgeUrl: string;
const children: Child[] = [];
const standIns: StandIn[] = [];
let toolServers: ToolServerStandIn;

const api = (method: string, path: string, body?: unknown) => adminCall(edgeUrl, ADMIN_KEY, method, path, body);
const snowflake = () => String(100000000000000000n + BigInt(Math.floor(Math.random() * 1e15)));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The demo campaign, with Grimjaw allowed dice and campaign knowledge (Elara no tools). */
const CAMPAIGN = { ...DEMO_CAMPAIGN, npcs: DEMO_CAMPAIGN.npcs.map((n) => (n.name === 'Grimjaw' ? { ...n, tools: ['roll_dice' as const, 'campaign_knowledge' as const] } : n)) };

/** A tenant with its own voice node (settings from `env`) and the campaign above (or `campaign`). */
async function tenantWithNode(env: Record<string, string>, campaign = CAMPAIGN) {
  const tenant = `tools-${Math.random().toString(36).slice(2, 10)}`;
  expect((await api('POST', '/tenants', { id: tenant, license_tier: 'dedicated', tier: 'guild' })).status).toBe(201);
  const created = await api('POST', '/nodes', { pool: tenant });
  children.push(startVoiceNode({ root: ROOT, edgeUrl, token: created.body.token, stdio: 'ignore', env }));
  // The tests run at once, each with its node: a Bun start may wait for a core.
  await until('the node to check in', async () => {
    const list = await api('GET', '/nodes');
    return list.body.nodes.some((n: { node_id: string; connected: boolean }) => n.node_id === created.body.node_id && n.connected) || undefined;
  }, 60_000);
  await createCampaign(db, tenant, campaign, { makeCurrent: true });
  return tenant;
}

/** Points the tenant's LLM at a fresh stand-in of `vendor` running `reply`; records each prompt. */
async function llmOf(tenant: string, vendor: 'openai' | 'anthropic' | 'gemini', reply: ReplyScript) {
  const prompts: Prompt[] = [];
  const start = { openai: startOpenAiStandIn, anthropic: startAnthropicStandIn, gemini: startGeminiStandIn }[vendor];
  const standIn = await start({ apiKey: 'sk-llm', reply: (prompt) => (prompts.push(prompt), reply(prompt)) });
  standIns.push(standIn);
  expect((await api('PUT', `/tenants/${tenant}/providers/llm`, { kind: vendor, base_url: standIn.url, model: 'stand-in', api_key: 'sk-llm' })).status).toBe(200);
  return prompts;
}

/** A browser session of the tenant, with one player connected to it. */
async function sessionWithPlayer(tenant: string): Promise<{ id: string; player: AudioClient }> {
  const started = await api('POST', `/tenants/${tenant}/sessions?wait=active`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
  expect(started.body.session.state).toBe('active');
  const { id, audio } = started.body.session;
  const player = await connectAudioClient({ url: audio.url, token: audio.token, speakerId: PLAYER, speakerName: 'Ana' });
  return { id, player };
}

interface Row {
  speaker_name: string;
  npc: boolean;
  text: string;
  tool: { name: string; arguments: string; result: string; error: boolean } | null;
}

const rowsOf = async (sessionId: string) =>
  (await db.execute(sql`select speaker_name, npc, text, tool from session_entries where session_id = ${sessionId} order by spoken_at, id`)) as unknown as Row[];

/** The session's transcript in Postgres once Grimjaw's spoken line is in. */
const grimjawAnswered = (sessionId: string) =>
  until('Grimjaw to answer', async () => {
    const rows = await rowsOf(sessionId);
    return rows.some((r) => r.speaker_name === 'Grimjaw' && r.tool === null) ? rows : undefined;
  });

/** The dice total of a `roll_dice` result as the model read it. */
const totalOf = (result: string) => (JSON.parse(result) as { total: number }).total;

/** Grimjaw rolls 1d20+5 and looks Ironhold up, then says what came back; others answer plainly. */
const rollingSmith: ReplyScript = (prompt) => {
  if (!prompt.system.includes('Grimjaw')) return 'The tower is older than the kingdom.';
  if (prompt.results.length === 0) return { calls: [{ name: 'roll_dice', arguments: { notation: '1d20+5' } }, { name: 'campaign_knowledge', arguments: { name: 'Ironhold' } }] };
  const [dice, knowledge] = prompt.results;
  const town = (JSON.parse(knowledge!.content) as { entities: Array<{ description: string }> }).entities[0]!.description;
  return `You rolled ${totalOf(dice!.content)}. ${town}`;
};

const stop = async (id: string, player: AudioClient) => {
  await player.close();
  expect((await api('POST', `/sessions/${id}/stop`)).body.session.state).toBe('ended');
};

beforeAll(async () => {
  toolServers = await startToolServers();
  const port = await freePort();
  edgeUrl = `http://127.0.0.1:${port}`;
  const envFile = join(dir, 'worker.env');
  // The edge signs NPC tool tokens with its access-token key.
  const install = loadOrCreateInstallSecrets(join(dir, 'install'));
  writeWorkerEnv(envFile, { ADMIN_KEY, SECRET_KEYS, MCP_ALLOW_PRIVATE_URLS: 'on', ACCESS_TOKEN_SIGNING_KEY: install.accessTokenSigningKey, ACCESS_TOKEN_PUBLIC_KEYS: install.accessTokenPublicKeys });
  edge = await startEdge({ root: ROOT, port, databaseUrl, stateDir: join(dir, 'state'), envFile, stdio: 'ignore' });
  // wrangler dev may take minutes to start on a busy machine.
}, 240_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await edge?.stop();
  await Promise.all(standIns.map((s) => s.close()));
  await toolServers?.close();
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
});

describe.concurrent.each(['openai', 'anthropic', 'gemini'] as const)('an NPC calling tools through %s', (vendor) => {
  it('rolls and looks up through the edge, answers from the results, and logs both calls as tool events the players never see', async () => {
    const tenant = await tenantWithNode({ TOOL_FILLER_MS: '60000' });
    const prompts = await llmOf(tenant, vendor, rollingSmith);
    const { id, player } = await sessionWithPlayer(tenant);
    player.sendText('Grimjaw, roll for me and tell me about Ironhold.');
    const rows = await grimjawAnswered(id);

    const tools = rows.filter((r) => r.tool !== null);
    expect(tools.map((r) => ({ speaker: r.speaker_name, npc: r.npc, name: r.tool!.name, args: JSON.parse(r.tool!.arguments), error: r.tool!.error }))).toEqual([
      { speaker: 'Grimjaw', npc: true, name: 'roll_dice', args: { notation: '1d20+5' }, error: false },
      { speaker: 'Grimjaw', npc: true, name: 'campaign_knowledge', args: { name: 'Ironhold' }, error: false },
    ]);
    const total = totalOf(tools[0]!.tool!.result);
    expect(total).toBeGreaterThanOrEqual(6);
    expect(total).toBeLessThanOrEqual(25);
    // The edge's real roll and the campaign's own description reached the model, and the table heard them.
    const said = rows.find((r) => r.speaker_name === 'Grimjaw' && r.tool === null)!;
    expect(said.text).toBe(`You rolled ${total}. A dwarven mining town carved into the side of Mount Kerrak.`);
    // Offered Grimjaw's two tools, no others; asked again with both results.
    expect(prompts[0]!.tools.sort()).toEqual(['campaign_knowledge', 'roll_dice']);
    expect(prompts[1]!.results.map((r) => r.name)).toEqual(['roll_dice', 'campaign_knowledge']);

    // The player's own transcript has the lines said, never the tool events.
    const shown = await until('the player to see the answer', async () => {
      const lines = player.events.flatMap((e) => (e.value.type === 'transcript' ? [e.value.entry] : []));
      return lines.some((l) => l.speaker_name === 'Grimjaw') ? lines : undefined;
    });
    expect(shown.some((l) => 'tool' in l && l.tool !== undefined)).toBe(false);
    expect(shown.map((l) => l.text)).not.toContain(tools[0]!.text);
    await stop(id, player);
  });
});

describe.concurrent('tool rounds and fillers', () => {
  it('stops calling tools after the configured rounds and makes the model answer in words', async () => {
    const tenant = await tenantWithNode({ TOOL_ROUNDS: '2', TOOL_FILLER_MS: '60000' });
    // A model that would roll forever if let.
    const prompts = await llmOf(tenant, 'openai', (prompt) =>
      prompt.toolChoice === 'auto' && prompt.tools.length > 0 ? { calls: [{ name: 'roll_dice', arguments: { notation: '2d6' } }] } : `I rolled ${prompt.results.length} times.`,
    );
    const { id, player } = await sessionWithPlayer(tenant);
    player.sendText('Grimjaw, roll until you like it.');
    const rows = await grimjawAnswered(id);

    expect(rows.filter((r) => r.tool?.name === 'roll_dice')).toHaveLength(2);
    expect(rows.find((r) => r.tool === null && r.speaker_name === 'Grimjaw')!.text).toBe('I rolled 2 times.');
    // Two rounds with tools, then one with the tools declared but not to be called.
    expect(prompts.map((p) => p.toolChoice)).toEqual(['auto', 'auto', 'none']);
    await stop(id, player);
  });

  it('an NPC without tools is offered none', async () => {
    const tenant = await tenantWithNode({});
    const prompts = await llmOf(tenant, 'openai', rollingSmith);
    const { id, player } = await sessionWithPlayer(tenant);
    player.sendText('Elara, tell me about the tower.');
    const line = await until('Elara to answer', async () => (await rowsOf(id)).find((r) => r.speaker_name === 'Elara'));
    expect(line.text).toBe('The tower is older than the kingdom.');
    expect(prompts.map((p) => p.tools)).toEqual([[]]);
    await stop(id, player);
  });

  it('says a filler line while the tool runs when the result is slower than the filler wait', async () => {
    // A wait of 0: any round trip to the edge takes longer.
    const tenant = await tenantWithNode({ TOOL_FILLER_MS: '0' });
    await llmOf(tenant, 'openai', rollingSmith);
    const { id, player } = await sessionWithPlayer(tenant);
    player.sendText('Grimjaw, roll for me and tell me about Ironhold.');
    const rows = await grimjawAnswered(id);
    const said = rows.find((r) => r.speaker_name === 'Grimjaw' && r.tool === null)!;
    expect(said.text).toMatch(/^Let me roll for it\.\.\. You rolled \d+\. A dwarven mining town/);
    await stop(id, player);
  });

  it('says no filler when the result comes first', async () => {
    const tenant = await tenantWithNode({ TOOL_FILLER_MS: '60000' });
    await llmOf(tenant, 'openai', rollingSmith);
    const { id, player } = await sessionWithPlayer(tenant);
    player.sendText('Grimjaw, roll for me and tell me about Ironhold.');
    const rows = await grimjawAnswered(id);
    expect(rows.find((r) => r.speaker_name === 'Grimjaw' && r.tool === null)!.text).toMatch(/^You rolled \d+\./);
    await stop(id, player);
  });
});

describe.concurrent("a team's own tool servers", () => {
  /** Grimjaw may use the lore archive's search (not its other tools) and everything the slow server is allowed. */
  const campaign = { ...DEMO_CAMPAIGN, npcs: DEMO_CAMPAIGN.npcs.map((n) => (n.name === 'Grimjaw' ? { ...n, tools: ['roll_dice', 'lorekeeper.search', 'slow.*'] } : n)) };

  /** A tenant with the lore archive (its token sealed; the DM allows search, sealed_vault and dump) and a server whose calls never answer (its timeout as long as the archive's: its listing must get through on a loaded machine). */
  async function tenantWithServers() {
    const tenant = await tenantWithNode({ TOOL_FILLER_MS: '60000' }, campaign);
    const headers = await sealHeaders(SECRET_KEYS, tenant, 'lorekeeper', { authorization: `Bearer ${LORE_TOKEN}` });
    await putMcpServer(db, tenant, 'lorekeeper', { url: `${toolServers.origin}/lore/mcp`, headersEnc: headers, allowedTools: ['search', 'sealed_vault', 'dump'], timeoutMs: 3000 }, 10);
    await putMcpServer(db, tenant, 'slow', { url: `${toolServers.origin}/slow/mcp`, allowedTools: ['ponder'], timeoutMs: 3000 }, 10);
    return tenant;
  }

  it('offers the server tools the NPC is allowed under names every vendor takes, and runs them on the server', async () => {
    const tenant = await tenantWithServers();
    const prompts = await llmOf(tenant, 'openai', (prompt) =>
      prompt.results.length === 0 ? { calls: [{ name: 'lorekeeper__search', arguments: { query: 'Nezznar' } }] } : `The archive says: ${prompt.results[0]!.content}`,
    );
    const { id, player } = await sessionWithPlayer(tenant);
    player.sendText('Grimjaw, what does the archive say of Nezznar?');
    const rows = await grimjawAnswered(id);

    // The DM's allowed tools of each server, narrowed to the NPC's list: no sealed_vault or dump (the NPC's list), no wipe_archive (the server's).
    expect(prompts[0]!.tools.sort()).toEqual(['lorekeeper__search', 'roll_dice', 'slow__ponder']);
    const archive = 'The archive on Nezznar: the Black Spider seeks Wave Echo Cave.';
    expect(rows.filter((r) => r.tool !== null).map((r) => ({ name: r.tool!.name, args: JSON.parse(r.tool!.arguments), result: r.tool!.result, error: r.tool!.error }))).toEqual([
      { name: 'lorekeeper.search', args: { query: 'Nezznar' }, result: archive, error: false },
    ]);
    expect(rows.find((r) => r.speaker_name === 'Grimjaw' && r.tool === null)!.text).toBe(`The archive says: ${archive}`);
    await stop(id, player);
    // The call counts in the team's usage, as its month's books have it once the session ended.
    const month = new Date().toISOString().slice(0, 7);
    const used = await until('the tool call in usage', async () => {
      const [row] = (await db.execute(sql`select tool_calls::int as calls from usage_records where tenant_id = ${tenant} and period = ${month}`)) as unknown as Array<{ calls: number }>;
      return row && row.calls > 0 ? row.calls : undefined;
    });
    expect(used).toBe(1);
  });

  it('a server that never answers costs the turn its timeout, and the NPC still answers', async () => {
    const tenant = await tenantWithServers();
    await llmOf(tenant, 'openai', (prompt) =>
      prompt.results.length === 0 ? { calls: [{ name: 'slow__ponder', arguments: {} }, { name: 'roll_dice', arguments: { notation: '1d6' } }] } : `No luck: ${prompt.results[0]!.content}`,
    );
    const { id, player } = await sessionWithPlayer(tenant);
    player.sendText('Grimjaw, ponder this.');
    const rows = await grimjawAnswered(id);
    // The edge's cut at the server's 3 s, not the node's own 10 s bound on a call ("could not be reached").
    const tools = rows.filter((r) => r.tool !== null).map((r) => ({ name: r.tool!.name, result: r.tool!.result, error: r.tool!.error }));
    expect(tools).toContainEqual({ name: 'slow.ponder', result: 'slow did not answer within 3000 ms', error: true });
    expect(tools.find((t) => t.name === 'roll_dice')!.error).toBe(false);
    expect(rows.find((r) => r.speaker_name === 'Grimjaw' && r.tool === null)!.text).toBe('No luck: Error: slow did not answer within 3000 ms');
    await stop(id, player);
  });
});
