import { env, exports } from 'cloudflare:workers';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { addLoreDocument, addRelationship, appendSessionEntries, auditLog, createCampaign, createDb, findEntityByName, listNpcs, listRelationships, withTenant } from '@glyphoxa/db';
import { and, eq } from 'drizzle-orm';
import type { StartSession } from '@glyphoxa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signNpcToolToken } from '../src/auth/npc-tool-token.ts';
import { admin, snowflake, uniqueTenantId } from './helpers/admin.ts';
import { TestNode } from './helpers/test-node.ts';

const voice = { provider: 'elevenlabs', voice_id: 'pNInz6obpgDQGcFmaJgB', pitch: 0, speed: 1 };

/** The official MCP SDK client, talking Streamable HTTP to the Worker's `/mcp`. */
async function mcpClient(token: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL('http://edge.test/mcp'), {
    fetch: (url, init) => exports.default.fetch(url, init),
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'voice-node-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

const textOf = (result: Awaited<ReturnType<Client['callTool']>>) => (result.content as Array<{ type: string; text: string }>)[0]!.text;

describe('NPC tools over MCP at /mcp', () => {
  const tenant = uniqueTenantId('mcp');
  const other = uniqueTenantId('mcp-other');
  const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  let node: TestNode;
  let nodeToken: string;
  let sessionId: string;
  let npcId: string;
  let otherNpcId: string;
  let halia: string;
  let campaignId: string;
  let client: Client;
  let toolToken: string;

  const mint = (body: unknown, bearer = nodeToken) =>
    exports.default.fetch('http://edge.test/nodes/tool-tokens', { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    await admin('POST', '/tenants', { id: tenant, license_tier: 'dedicated', tier: 'guild' });
    await admin('POST', '/tenants', { id: other });
    nodeToken = (await admin('POST', '/nodes', { pool: tenant })).body.token;
    node = await TestNode.connect(nodeToken);
    const campaign = await createCampaign(
      db,
      tenant,
      {
        campaign: { name: 'Lost Mine', language: 'en' },
        npcs: [
          { name: 'Sildar', voice },
          { name: 'Halia', voice, knowledgeScope: ['Gundren', 'location'], secretKnowledge: 'She runs the Zhentarim here.' },
        ],
        entities: [
          { name: 'Phandalin', type: 'location', description: 'A frontier town.', tags: ['town'] },
          { name: 'Gundren', type: 'npc', description: 'Held captive in Cragmaw Castle.', tags: ['secret'] },
          { name: 'Wave Echo Cave', type: 'location', description: 'The lost mine.', tags: [] },
          { name: 'Tresendar Manor', type: 'location', description: 'Ruined manor.', tags: [] },
        ],
      },
      { makeCurrent: true },
    );
    campaignId = campaign!.id;
    const id = async (name: string) => (await findEntityByName(db, tenant, campaign!.id, name))!.id;
    await addRelationship(db, tenant, campaign!.id, { sourceId: await id('Gundren'), targetId: await id('Phandalin'), type: 'travels_to', dmConfirmed: true });
    await addRelationship(db, tenant, campaign!.id, { sourceId: await id('Gundren'), targetId: await id('Wave Echo Cave'), type: 'found', dmConfirmed: true });
    // A proposal the DM has not confirmed: no NPC is told.
    await addRelationship(db, tenant, campaign!.id, { sourceId: await id('Tresendar Manor'), targetId: await id('Phandalin'), type: 'overlooks', dmConfirmed: false });
    await addLoreDocument(db, tenant, campaign!.id, { title: 'Grappling', kind: 'rules', body: 'To grapple, make a Strength (Athletics) check contested by the target.' });
    await addLoreDocument(db, tenant, campaign!.id, { title: 'Phandalin', kind: 'lore', body: 'A frontier town rebuilt on the ruins of the old one; miners grapple with goblins.' });
    await addLoreDocument(db, tenant, campaign!.id, { title: 'Map to Wave Echo Cave', kind: 'handout', body: 'The players grapple with the map only when the DM hands it out.' });
    const theirs = await createCampaign(db, other, { campaign: { name: 'Theirs' }, npcs: [{ name: 'Spy', voice }], entities: [] }, { makeCurrent: true });
    await addLoreDocument(db, other, theirs!.id, { title: 'Their grapple rule', kind: 'rules', body: 'Grapple checks use the other tenant house rule.' });
    otherNpcId = (await listNpcs(db, other, theirs!.id))![0]!.id;
    const npcs = (await listNpcs(db, tenant, campaign!.id))!;
    npcId = npcs.find((n) => n.name === 'Sildar')!.id;
    halia = npcs.find((n) => n.name === 'Halia')!.id;
    const started = await admin('POST', `/tenants/${tenant}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
    sessionId = started.body.session.id;
    await node.next((m): m is StartSession => m.type === 'start_session' && m.session_id === sessionId);
    const now = Date.now();
    await appendSessionEntries(db, tenant, [
      { sessionId, campaignId: campaign!.id, speakerId: '100000000000000001', speakerName: 'Vex', npc: false, text: 'Long ago we met.', spokenAt: new Date(now - 30 * 60_000) },
      { sessionId, campaignId: campaign!.id, speakerId: '100000000000000001', speakerName: 'Vex', npc: false, text: 'Where is Gundren?', spokenAt: new Date(now - 60_000) },
    ]);
    const minted = await mint({ session_id: sessionId, npc_id: npcId });
    expect(minted.status).toBe(201);
    toolToken = ((await minted.json()) as { token: string }).token;
    client = await mcpClient(toolToken);
  });
  afterAll(async () => {
    await client?.close();
    node.close();
    await close();
    await admin('DELETE', `/tenants/${tenant}`);
    await admin('DELETE', `/tenants/${other}`);
  });

  it('lists every tool with a JSON schema for its input', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['campaign_knowledge', 'lookup_rule', 'recent_transcript', 'remember', 'roll_dice']);
    expect(tools.find((t) => t.name === 'roll_dice')!.inputSchema).toMatchObject({ type: 'object', required: ['notation'] });
  });

  it('rolls dice, each die and the total back', async () => {
    const result = await client.callTool({ name: 'roll_dice', arguments: { notation: '2d20kh1+5' } });
    expect(result.isError).toBeFalsy();
    const roll = result.structuredContent as { notation: string; total: number; terms: Array<{ dice: Array<{ value: number; kept: boolean }> }> };
    expect(roll.notation).toBe('2d20kh1+5');
    expect(roll.terms[0]!.dice).toHaveLength(2);
    expect(roll.total).toBe(Math.max(...roll.terms[0]!.dice.map((d) => d.value)) + 5);
  });

  it("says in Server-Timing what a call's rate-limit check and its tool took", async () => {
    const res = await exports.default.fetch('http://edge.test/mcp', {
      method: 'POST',
      headers: { authorization: `Bearer ${toolToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'roll_dice', arguments: { notation: 'd6' } } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toMatch(/^ratelimit-mcp;dur=[\d.]+, tool-roll_dice;dur=[\d.]+$/);
    expect(((await res.json()) as { result: { structuredContent: { total: number } } }).result.structuredContent.total).toBeGreaterThanOrEqual(1);
  });

  it('answers bad notation with a tool error the NPC can say aloud', async () => {
    const result = await client.callTool({ name: 'roll_dice', arguments: { notation: 'fireball' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Cannot roll "fireball".*2d20kh1\+5/);
    const missing = await client.callTool({ name: 'roll_dice', arguments: {} });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/notation/);
  });

  it("looks rules up in the campaign's rules and lore, never its handouts nor another tenant's", async () => {
    const result = await client.callTool({ name: 'lookup_rule', arguments: { query: 'grapple' } });
    const { passages } = result.structuredContent as { passages: Array<{ title: string; kind: string; snippet: string }> };
    expect(passages.map((p) => p.title).sort()).toEqual(['Grappling', 'Phandalin']);
    expect(passages.find((p) => p.title === 'Grappling')).toMatchObject({ kind: 'rules', snippet: expect.stringContaining('«grapple»') });
  });

  it('tells what was said in this session in the last minutes', async () => {
    const result = await client.callTool({ name: 'recent_transcript', arguments: { minutes: 5 } });
    expect((result.structuredContent as { lines: Array<{ text: string }> }).lines.map((l) => l.text)).toEqual(['Where is Gundren?']);
  });

  it('answers campaign knowledge within the NPC\'s scope: a secret hides itself and what lies behind it', async () => {
    const sildar = await client.callTool({ name: 'campaign_knowledge', arguments: { name: 'phandalin', depth: 2 } });
    expect(sildar.structuredContent).toEqual({
      found: true,
      entities: [{ name: 'Phandalin', type: 'location', description: 'A frontier town.', tags: ['town'], depth: 0 }],
      relationships: [],
    });
    const hidden = await client.callTool({ name: 'campaign_knowledge', arguments: { name: 'Gundren' } });
    const missing = await client.callTool({ name: 'campaign_knowledge', arguments: { name: 'Nobody' } });
    expect(hidden.structuredContent).toEqual({ found: false, message: 'Nothing is known about Gundren' });
    expect(missing.structuredContent).toEqual({ found: false, message: 'Nothing is known about Nobody' });
    expect(JSON.stringify([sildar, hidden])).not.toMatch(/Cragmaw|Zhentarim/);

    const minted = await mint({ session_id: sessionId, npc_id: halia });
    const haliaClient = await mcpClient(((await minted.json()) as { token: string }).token);
    const knows = await haliaClient.callTool({ name: 'campaign_knowledge', arguments: { name: 'Phandalin', depth: 2 } });
    await haliaClient.close();
    const { entities, relationships } = knows.structuredContent as { entities: Array<{ name: string; depth: number }>; relationships: Array<{ source: string; type: string; target: string }> };
    expect(entities.map((e) => [e.name, e.depth])).toEqual([['Phandalin', 0], ['Gundren', 1], ['Wave Echo Cave', 2]]);
    expect(relationships.map((r) => `${r.source} ${r.type} ${r.target}`).sort()).toEqual(['Gundren found Wave Echo Cave', 'Gundren travels_to Phandalin']);
    // Another NPC's secret knowledge is never a campaign fact.
    const sildarOnHalia = await client.callTool({ name: 'lookup_rule', arguments: { query: 'Zhentarim' } });
    expect((sildarOnHalia.structuredContent as { passages: unknown[] }).passages).toEqual([]);
  });

  it('remembers a fact the NPC proposes as an unconfirmed proposal of this session, once', async () => {
    const said = await client.callTool({ name: 'remember', arguments: { source: 'Wave Echo Cave', type: 'Lies Near', target: 'Phandalin' } });
    expect(said.structuredContent).toEqual({ proposed: true, fact: 'Wave Echo Cave lies_near Phandalin', message: 'Noted for the DM to confirm' });
    const again = await client.callTool({ name: 'remember', arguments: { source: 'Wave Echo Cave', type: 'lies near', target: 'Phandalin' } });
    expect(again.structuredContent).toMatchObject({ proposed: false });
    const proposals = (await listRelationships(db, tenant, campaignId, { confirmed: false, offset: 0, limit: 10 })).filter((r) => r.type === 'lies_near');
    expect(proposals).toEqual([expect.objectContaining({ sessionId, source: 'transcript', dmConfirmed: false, confidence: 0.5 })]);
    // The audit trail names the NPC that proposed it, once.
    const trail = await withTenant(db, tenant, (tx) => tx.select().from(auditLog).where(and(eq(auditLog.tenantId, tenant), eq(auditLog.action, 'relationship.propose'))));
    expect(trail.map((r) => [r.actor, r.target, r.detail])).toEqual([[`npc:${npcId}`, proposals[0]!.id, { campaign_id: campaignId, session_id: sessionId }]]);
    // Not yet confirmed: no NPC is told.
    const told = await client.callTool({ name: 'campaign_knowledge', arguments: { name: 'Phandalin' } });
    expect((told.structuredContent as { relationships: unknown[] }).relationships).toEqual([]);
    // A secret it may not know is as unknown as a name that does not exist.
    const secret = await client.callTool({ name: 'remember', arguments: { source: 'Gundren', type: 'owes', target: 'Phandalin' } });
    expect(secret.isError).toBe(true);
    expect(textOf(secret)).toBe('Nothing is known about Gundren');
    const blank = await client.callTool({ name: 'remember', arguments: { source: 'Wave Echo Cave', type: '   ', target: 'Phandalin' } });
    expect(blank.isError).toBe(true);
    expect(textOf(blank)).toMatch(/^type: /);
  });

  it('mints tokens only for a live session on the asking node and an NPC of its campaign', async () => {
    expect((await mint({ session_id: sessionId, npc_id: otherNpcId })).status).toBe(404);
    expect((await mint({ session_id: crypto.randomUUID(), npc_id: npcId })).status).toBe(404);
    const stranger = (await admin('POST', '/nodes', { pool: other })).body.token as string;
    expect((await mint({ session_id: sessionId, npc_id: npcId }, stranger)).status).toBe(404);
    expect((await mint({ session_id: sessionId, npc_id: npcId }, 'node-00000000.forged-secret-forged-secret')).status).toBe(401);
    const bad = await mint({ session_id: 'not-a-session', npc_id: npcId });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('session_id');
  });

  it('refuses a missing, forged or expired token', async () => {
    const call = (token: string) => exports.default.fetch('http://edge.test/mcp', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
    expect((await call('')).status).toBe(401);
    expect((await call('eyJhbGciOiJub25lIn0.e30.')).status).toBe(401);
    const caller = { tenantId: tenant, sessionId, campaignId: crypto.randomUUID(), npcId, nodeId: node.nodeId };
    expect((await call(await signNpcToolToken(env, caller, Date.now() - 11 * 60_000))).status).toBe(401);
  });
});
