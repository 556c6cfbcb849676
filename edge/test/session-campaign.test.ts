import { env } from 'cloudflare:workers';
import { addRelationship, createCampaign, createDb, listRelationships, listSessionEntries, sessionEntries, withTenant } from '@glyphoxa/db';
import type { CampaignFacts, NpcRoster, StartSession } from '@glyphoxa/protocol';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorOf } from '../src/durable/stubs.ts';
import { ADMIN_KEY, admin, snowflake, uniqueTenantId } from './helpers/admin.ts';
import { eventually } from './helpers/eventually.ts';
import { TestNode } from './helpers/test-node.ts';
import { api } from './helpers/web-api.ts';
import { LLM_STAND_IN_BASE, LLM_STAND_IN_KEY } from './vendor-stand-ins.ts';

const voice = { provider: 'elevenlabs', voice_id: 'pNInz6obpgDQGcFmaJgB', pitch: -2, speed: 0.9 };

describe('a session starts with its campaign and the tenant\'s providers', () => {
  const tenant = uniqueTenantId('camp');
  const other = uniqueTenantId('camp-other');
  const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  let node: TestNode;
  let campaignId: string;

  const start = (body: Record<string, unknown> = {}) =>
    admin('POST', `/tenants/${tenant}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake(), ...body });
  const assignmentOf = (sessionId: string) => node.next((m): m is StartSession => m.type === 'start_session' && m.session_id === sessionId);

  beforeAll(async () => {
    await admin('POST', '/tenants', { id: tenant, license_tier: 'dedicated', tier: 'guild' });
    await admin('POST', '/tenants', { id: other });
    node = await TestNode.connect((await admin('POST', '/nodes', { pool: tenant })).body.token, { capacity: 10 });
    const campaign = await createCampaign(
      db,
      tenant,
      {
        campaign: { name: 'Lost Mine', language: 'en' },
        npcs: [
          {
            name: 'Sildar',
            voice,
            aliases: ['Sir Sildar'],
            personality: 'A loyal knight.',
            mutedByDefault: true,
            engine: 'cascaded',
            budgetTier: 'standard',
            knowledgeScope: ['Phandalin', 'the Lords Alliance'],
            secretKnowledge: 'He knows where Gundren was taken.',
            behaviorRules: ['Never abandons a companion.'],
            tools: ['roll_dice'],
          },
          { name: 'Narrator', voice, gmHelper: true },
        ],
        entities: [
          { name: 'Phandalin', type: 'location', description: 'A frontier town.', tags: ['town'] },
          { name: 'Glass Staff', type: 'item', description: 'x'.repeat(6000) },
        ],
      },
      { makeCurrent: true },
    );
    campaignId = campaign!.id;
    const put = await admin('PUT', `/tenants/${tenant}/providers/llm`, { kind: 'openai', base_url: LLM_STAND_IN_BASE, model: 'gpt-4o-mini', api_key: 'sk-live-secret' });
    expect(put.status).toBe(200);
    await admin('PUT', `/tenants/${tenant}/providers/tts`, { kind: 'espeak', base_url: 'http://127.0.0.1:5002', model: 'en' });
    // The edge's own (campaign memory): its key must never travel to a node.
    const embeddings = await admin('PUT', `/tenants/${tenant}/providers/embeddings`, { kind: 'openai', base_url: LLM_STAND_IN_BASE, model: 'text-embedding-3-small', api_key: LLM_STAND_IN_KEY });
    expect(embeddings.status).toBe(200);
  });
  afterAll(async () => {
    await admin('DELETE', `/tenants/${tenant}`);
    await admin('DELETE', `/tenants/${other}`);
    node.close();
  });

  it('sends the current campaign\'s NPCs and entities and the providers with their keys opened', async () => {
    const res = await start();
    expect(res.status).toBe(201);
    expect(res.body.session.campaign_id).toBe(campaignId);
    const assignment = await assignmentOf(res.body.session.id);
    expect(assignment.campaign_id).toBe(campaignId);
    expect(assignment.npcs).toEqual([
      { id: expect.any(String), name: 'Narrator', aliases: [], personality: '', voice, budget_tier: 'fast', gm_helper: true, muted: false, knowledge_scope: [], behavior_rules: [], tools: [] },
      {
        id: expect.any(String),
        name: 'Sildar',
        aliases: ['Sir Sildar'],
        personality: 'A loyal knight.',
        voice,
        engine: 'cascaded',
        budget_tier: 'standard',
        gm_helper: false,
        muted: true,
        // Stored with the NPC and sent with it: the node builds its context from them.
        knowledge_scope: ['Phandalin', 'the Lords Alliance'],
        secret_knowledge: 'He knows where Gundren was taken.',
        behavior_rules: ['Never abandons a companion.'],
        // The tools it may call mid-turn go with it too.
        tools: ['roll_dice'],
      },
    ]);
    expect(assignment.entities.map((e) => e.name).sort()).toEqual(['Glass Staff', 'Phandalin']);
    // Capped at the protocol's text length, so the node never refuses the start.
    expect(assignment.entities.find((e) => e.name === 'Glass Staff')!.description).toHaveLength(4000);
    expect(assignment.providers).toEqual({
      llm: { kind: 'openai', base_url: LLM_STAND_IN_BASE, model: 'gpt-4o-mini', api_key: 'sk-live-secret' },
      tts: { kind: 'espeak', base_url: 'http://127.0.0.1:5002', model: 'en' },
    });
    expect(JSON.stringify(assignment)).not.toContain(LLM_STAND_IN_KEY);

    // Discord autocomplete gets the names from the coordinator.
    const names = await coordinatorOf(env, tenant).npcNames(res.body.session.guild_id);
    expect(names).toEqual(['Narrator', 'Sildar']);
    await admin('POST', `/sessions/${res.body.session.id}/stop`);
  });

  it('refuses a campaign that is not the tenant\'s, and starts nothing', async () => {
    const theirs = await createCampaign(db, other, { campaign: { name: 'Theirs' }, npcs: [], entities: [] }, { makeCurrent: false });
    const res = await start({ campaign_id: theirs!.id });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'campaign_not_found' });
    expect(res.body.error.message).toMatch(/is not one of your campaigns/);
    expect((await admin('GET', `/tenants/${tenant}/sessions?state=pending`)).body.sessions).toEqual([]);
    expect(node.received.some((m) => m.type === 'start_session' && m.campaign_id === theirs!.id)).toBe(false);
    // Nor can an operator make it the tenant's current one.
    const put = await admin('PUT', `/tenants/${tenant}`, { campaign_id: theirs!.id });
    expect(put.status).toBe(400);
    expect(put.body.error).toMatchObject({ field: 'campaign_id' });
  });

  it('stores the node\'s transcript with the session\'s campaign, once even when resent', async () => {
    const res = await start();
    const sessionId = res.body.session.id as string;
    await assignmentOf(sessionId);
    const at = Date.now();
    const entries = [
      { speaker_id: snowflake(), speaker_name: 'Vex', text: 'Where is the Glass Staff?', at: new Date(at).toISOString() },
      { speaker_id: 'npc-sildar', speaker_name: 'Sildar', npc: true, text: 'In the manor, I fear.', at: new Date(at + 1500).toISOString() },
    ];
    node.send({ type: 'transcript', session_id: sessionId, entries });
    // After a reconnect the node sends the batch again.
    node.send({ type: 'transcript', session_id: sessionId, entries });
    let lines = await listSessionEntries(db, tenant, sessionId, 10);
    for (let i = 0; i < 100 && lines.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      lines = await listSessionEntries(db, tenant, sessionId, 10);
    }
    await new Promise((r) => setTimeout(r, 200));
    lines = await listSessionEntries(db, tenant, sessionId, 10);
    expect(lines.map((l) => ({ speaker: l.speakerName, npc: l.npc, text: l.text, campaignId: l.campaignId }))).toEqual([
      { speaker: 'Vex', npc: false, text: 'Where is the Glass Staff?', campaignId },
      { speaker: 'Sildar', npc: true, text: 'In the manor, I fear.', campaignId },
    ]);
    expect(await withTenant(db, other, (tx) => tx.select().from(sessionEntries).where(eq(sessionEntries.sessionId, sessionId)))).toEqual([]);
    await admin('POST', `/sessions/${sessionId}/stop`);
  });

  it('hands a running session its NPCs anew when the DM changes one on the web', async () => {
    const sessionId = (await start()).body.session.id as string;
    const sildar = (await assignmentOf(sessionId)).npcs.find((n) => n.name === 'Sildar')!;
    const rosterOf = () => node.next((m): m is NpcRoster => m.type === 'npc_roster' && m.session_id === sessionId);
    const changed = { name: 'Sildar', personality: 'A weary knight.', voice: { provider: 'openai', voice_id: 'onyx' }, muted_by_default: false };
    const told = rosterOf();
    expect((await api(ADMIN_KEY, 'PUT', `/tenants/${tenant}/npcs/${sildar.id}`, changed)).status).toBe(200);
    const roster = await told;
    expect(roster.npcs.map((n) => n.name)).toEqual(['Narrator', 'Sildar']);
    expect(roster.npcs.find((n) => n.id === sildar.id)).toMatchObject({ personality: 'A weary knight.', voice: { provider: 'openai', voice_id: 'onyx', pitch: 0, speed: 1 }, muted: false });

    const added = rosterOf();
    const created = await api(ADMIN_KEY, 'POST', `/tenants/${tenant}/campaigns/${campaignId}/npcs`, { name: 'Gundren', voice });
    expect((await added).npcs.map((n) => n.name)).toEqual(['Gundren', 'Narrator', 'Sildar']);
    const removed = rosterOf();
    await api(ADMIN_KEY, 'DELETE', `/tenants/${tenant}/npcs/${created.body.npc.id}`);
    expect((await removed).npcs.map((n) => n.name)).toEqual(['Narrator', 'Sildar']);
    await admin('POST', `/sessions/${sessionId}/stop`);
  });

  it('hands a running session its facts anew when the DM changes an entity or a relationship, confirmed ones only', async () => {
    const sessionId = (await start()).body.session.id as string;
    expect((await assignmentOf(sessionId)).relationships ?? []).toEqual([]);
    const factsOf = () => node.next((m): m is CampaignFacts => m.type === 'campaign_facts' && m.session_id === sessionId);
    const relation = (f: Pick<CampaignFacts, 'relationships'>) => (f.relationships ?? []).map((r) => `${r.source} ${r.type} ${r.target}`).sort();

    let told = factsOf();
    const manor = await api(ADMIN_KEY, 'POST', `/tenants/${tenant}/campaigns/${campaignId}/entities`, { name: 'Tresendar Manor', type: 'location', description: 'A ruined manor above Phandalin.' });
    expect(manor.status).toBe(201);
    expect((await told).entities.find((e) => e.name === 'Tresendar Manor')).toEqual({ name: 'Tresendar Manor', type: 'location', description: 'A ruined manor above Phandalin.', tags: [] });

    const phandalin = (await api(ADMIN_KEY, 'GET', `/tenants/${tenant}/campaigns/${campaignId}/entities?limit=10`)).body.entities.find((e: { name: string }) => e.name === 'Phandalin');
    told = factsOf();
    await api(ADMIN_KEY, 'POST', `/tenants/${tenant}/campaigns/${campaignId}/relationships`, { source_id: manor.body.entity.id, target_id: phandalin.id, type: 'looms_over', bidirectional: false });
    expect(relation(await told)).toEqual(['Tresendar Manor looms_over Phandalin']);

    // A proposal is not told; accepting it is.
    const glass = (await api(ADMIN_KEY, 'GET', `/tenants/${tenant}/campaigns/${campaignId}/entities?limit=10`)).body.entities.find((e: { name: string }) => e.name === 'Glass Staff');
    const proposal = await addRelationship(db, tenant, campaignId, { sourceId: manor.body.entity.id, targetId: glass.id, type: 'hides', source: 'transcript', confidence: 0.5 });
    told = factsOf();
    expect((await api(ADMIN_KEY, 'POST', `/tenants/${tenant}/relationships/${proposal!.id}/accept`)).status).toBe(200);
    expect(relation(await told)).toEqual(['Tresendar Manor hides Glass Staff', 'Tresendar Manor looms_over Phandalin']);
    // The next session starts with them.
    const next = (await start()).body.session.id as string;
    expect(relation(await assignmentOf(next))).toEqual(['Tresendar Manor hides Glass Staff', 'Tresendar Manor looms_over Phandalin']);
    await admin('POST', `/sessions/${next}/stop`);

    // Removing the entity takes its relationships from the session too.
    told = factsOf();
    await api(ADMIN_KEY, 'DELETE', `/tenants/${tenant}/entities/${manor.body.entity.id}`);
    const after = await told;
    expect(after.entities.map((e) => e.name).sort()).toEqual(['Glass Staff', 'Phandalin']);
    expect(relation(after)).toEqual([]);
    await admin('POST', `/sessions/${sessionId}/stop`);
  });

  it('turns the ended session\'s lines naming two entities into relationship proposals for the DM, and its transcript into memory', async () => {
    const sessionId = (await start()).body.session.id as string;
    await assignmentOf(sessionId);
    const at = Date.now();
    node.send({
      type: 'transcript',
      session_id: sessionId,
      entries: [
        { speaker_id: snowflake(), speaker_name: 'Vex', text: 'We carry the glass staff back to Phandalin.', at: new Date(at).toISOString() },
        { speaker_id: snowflake(), speaker_name: 'Vex', text: 'Phandalin at last.', at: new Date(at + 1000).toISOString() },
      ],
    });
    await eventually('the lines stored', async () => (await listSessionEntries(db, tenant, sessionId, 10)).length === 2);
    const confirmedBefore = await listRelationships(db, tenant, campaignId, { confirmed: true, offset: 0, limit: 100 });
    expect((await admin('POST', `/sessions/${sessionId}/stop`)).status).toBe(200);
    const proposals = await eventually('the proposal made', async () => {
      const found = await listRelationships(db, tenant, campaignId, { confirmed: false, offset: 0, limit: 100 });
      return found.length > 0 && found;
    });
    expect(proposals.map((r) => ({ type: r.type, source: r.source, sessionId: r.sessionId, confirmed: r.dmConfirmed }))).toEqual([
      { type: 'mentioned_with', source: 'transcript', sessionId, confirmed: false },
    ]);
    // Nothing the DM has to accept is confirmed on its own.
    expect(await listRelationships(db, tenant, campaignId, { confirmed: true, offset: 0, limit: 100 })).toEqual(confirmedBefore);

    // The tenant has an embeddings provider: the transcript becomes the campaign's memory, searched by meaning.
    const remembered = await eventually('the session remembered', async () => {
      const found = (await api(ADMIN_KEY, 'GET', `/tenants/${tenant}/campaigns/${campaignId}/memory?q=${encodeURIComponent('carrying the staff to Phandalin')}&limit=5`)).body.hits as Array<{ session_id: string | null }> | undefined;
      const mine = found?.filter((hit) => hit.session_id === sessionId) ?? [];
      return mine.length > 0 && mine;
    }, { timeoutMs: 20_000 });
    expect(remembered).toEqual([
      { id: expect.any(Number), source: 'transcript', session_id: sessionId, lore_document_id: null, position: 0, content: 'Vex: We carry the glass staff back to Phandalin.\n\nVex: Phandalin at last.', distance: expect.any(Number) },
    ]);
  });
});
