import { randomUUID } from 'node:crypto';
import { openAiEmbeddings } from '@glyphoxa/providers';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type StandIn } from '../../providers/test/stand-ins/index.ts';
import { createDb, type Database } from '../src/client.ts';
import {
  addLoreDocument,
  addRelationship,
  appendSessionEntries,
  createCampaign,
  deleteEntity,
  deleteLoreDocument,
  deleteRelationship,
  EMBEDDING_DIMENSIONS,
  EmbeddingLengthError,
  getRelationship,
  listLoreDocuments,
  listRelationships,
  nearestChunks,
  neighbourhood,
  npcNeighbourhood,
  recall,
  rememberLoreDocument,
  rememberSession,
  searchCampaign,
  updateLoreDocument,
  updateRelationship,
  vectorSearchBackend,
  type Embedder,
} from '../src/index.ts';
import { insertSession } from '../src/repos/sessions.ts';
import { createTenant, deleteTenant } from '../src/repos/tenants.ts';
import { entities, npcs } from '../src/schema/index.ts';
import { withTenant } from '../src/tenant-isolation/transactions.ts';
import { backends, databaseError, uniqueId } from './backends.ts';

const voice = { provider: 'espeak', voice_id: 'en', pitch: 0, speed: 1 };
/** A chain Grimjaw - Ironhold - Deepforge - Ember Crown - Lost Mine, with Elara beside Grimjaw. */
const NAMES = ['Grimjaw', 'Ironhold', 'Deepforge', 'Ember Crown', 'Lost Mine', 'Elara'] as const;

describe.each(backends())('campaign knowledge on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;
  let standIn: StandIn;
  let embedder: Embedder;
  const t = uniqueId('know');
  const other = uniqueId('know');
  let campaignId: string;
  let otherCampaignId: string;
  const id: Record<(typeof NAMES)[number], string> = {} as never;

  beforeAll(async () => {
    await backend.setup();
    ({ db, close } = createDb(backend.url()));
    standIn = await startOpenAiStandIn({});
    embedder = openAiEmbeddings({ kind: 'openai', base_url: standIn.url, model: 'embed-test' }, EMBEDDING_DIMENSIONS, { retries: 0 });
    for (const tenant of [t, other]) await createTenant(db, { id: tenant });
    const content = (name: string) => ({
      campaign: { name },
      npcs: [{ name: 'Grimjaw', voice }],
      entities: NAMES.map((n) => ({ name: n, type: n === 'Grimjaw' || n === 'Elara' ? ('npc' as const) : ('location' as const), description: `${n} of the north.` })),
    });
    campaignId = (await createCampaign(db, t, content('Ironhold Saga'), { makeCurrent: true }))!.id;
    otherCampaignId = (await createCampaign(db, other, content('Ironhold Saga'), { makeCurrent: true }))!.id;
    const rows = await withTenant(db, t, (tx) => tx.select().from(entities));
    for (const row of rows) id[row.name as (typeof NAMES)[number]] = row.id;
    const chain = [
      ['Grimjaw', 'Ironhold', 'lives_in'],
      ['Ironhold', 'Deepforge', 'rules_over'],
      ['Deepforge', 'Ember Crown', 'forged'],
      ['Ember Crown', 'Lost Mine', 'hidden_in'],
      ['Elara', 'Grimjaw', 'ally_of'],
    ] as const;
    for (const [source, target, type] of chain) {
      await addRelationship(db, t, campaignId, { sourceId: id[source], targetId: id[target], type, bidirectional: type === 'ally_of' });
    }
  });

  afterAll(async () => {
    for (const tenant of [t, other]) await deleteTenant(db, tenant);
    await close();
    await standIn?.close();
    await backend.teardown();
  });

  it('stores relationships with provenance: the DM confirms by stating, a transcript proposes', async () => {
    const session = await insertSession(db, t, { id: randomUUID(), tenantId: t, campaignId, guildId: 'g', channelId: 'c', startedBy: 'dm' });
    const proposal = await addRelationship(db, t, campaignId, {
      sourceId: id.Elara,
      targetId: id['Lost Mine'],
      type: 'searches_for',
      source: 'transcript',
      sessionId: session.id,
      confidence: 0.6,
    });
    expect(proposal).toMatchObject({ source: 'transcript', dmConfirmed: false, sessionId: session.id, bidirectional: false });
    expect(proposal!.confidence).toBeCloseTo(0.6);
    const stated = await listRelationships(db, t, campaignId, { entityId: id.Grimjaw, offset: 0, limit: 10 });
    expect(stated.map((r) => [r.type, r.source, r.dmConfirmed])).toEqual([
      ['lives_in', 'dm', true],
      ['ally_of', 'dm', true],
    ]);
    expect((await listRelationships(db, t, campaignId, { confirmed: false, offset: 0, limit: 10 })).map((r) => r.id)).toEqual([proposal!.id]);

    // The same edge twice is one edge.
    expect(await addRelationship(db, t, campaignId, { sourceId: id.Grimjaw, targetId: id.Ironhold, type: 'lives_in' })).toBeNull();

    expect(await updateRelationship(db, t, proposal!.id, { dmConfirmed: true, confidence: 1 })).toMatchObject({ dmConfirmed: true, confidence: 1 });
    expect(await deleteRelationship(db, t, proposal!.id)).toMatchObject({ id: proposal!.id });
    expect(await getRelationship(db, t, proposal!.id)).toBeNull();
  });

  it('refuses an edge to itself, out of range confidence, and ends in another campaign', async () => {
    expect(await databaseError(addRelationship(db, t, campaignId, { sourceId: id.Elara, targetId: id.Elara, type: 'is' }))).toMatch(/relationships_not_self/);
    expect(
      await databaseError(addRelationship(db, t, campaignId, { sourceId: id.Elara, targetId: id.Grimjaw, type: 'x', confidence: 1.5 })),
    ).toMatch(/relationships_confidence/);
    const [foreign] = await withTenant(db, other, (tx) => tx.select().from(entities).limit(1));
    expect(await databaseError(addRelationship(db, t, campaignId, { sourceId: id.Elara, targetId: foreign!.id, type: 'x' }))).toMatch(/foreign key/);
  });

  it("another tenant's repository calls do not see or change the tenant's edges", async () => {
    const [edge] = await listRelationships(db, t, campaignId, { offset: 0, limit: 1 });
    expect(await getRelationship(db, other, edge!.id)).toBeNull();
    expect(await updateRelationship(db, other, edge!.id, { type: 'stolen' })).toBeNull();
    expect(await deleteRelationship(db, other, edge!.id)).toBeNull();
    expect(await listRelationships(db, other, campaignId, { offset: 0, limit: 10 })).toEqual([]);
    expect(await neighbourhood(db, other, campaignId, id.Grimjaw, { depth: 3 })).toBeNull();
    expect(await getRelationship(db, t, edge!.id)).toMatchObject({ type: edge!.type });
  });

  it('walks the neighbourhood breadth first, both ways along edges, to depth 3 at most', async () => {
    const around = await neighbourhood(db, t, campaignId, id.Grimjaw, { depth: 3 });
    expect(around!.entities.map((e) => [e.name, e.depth])).toEqual([
      ['Grimjaw', 0],
      ['Elara', 1],
      ['Ironhold', 1],
      ['Deepforge', 2],
      ['Ember Crown', 3],
    ]);
    expect(around!.relationships.map((r) => r.type).sort()).toEqual(['ally_of', 'forged', 'lives_in', 'rules_over']);

    // Asked for more, it stops at three steps; asked for one, one.
    const far = await neighbourhood(db, t, campaignId, id.Grimjaw, { depth: 10 });
    expect(far!.entities.map((e) => e.name)).not.toContain('Lost Mine');
    expect((await neighbourhood(db, t, campaignId, id.Grimjaw, { depth: 1 }))!.entities.map((e) => e.name)).toEqual(['Grimjaw', 'Elara', 'Ironhold']);
    expect(await neighbourhood(db, t, campaignId, randomUUID(), { depth: 2 })).toBeNull();
  });

  it("answers an NPC's look-up by name with its knowledge scope and the walk, in the tenant's campaign only", async () => {
    const [grimjaw] = await withTenant(db, t, (tx) => tx.select().from(npcs));
    const found = await npcNeighbourhood(db, t, grimjaw!.id, campaignId, 'EMBER crown', { depth: 1 });
    expect(found!.npc).toEqual({ gmHelper: false, knowledgeScope: [] });
    expect(found!.graph!.entities.map((e) => [e.name, e.depth])).toEqual([
      ['Ember Crown', 0],
      ['Deepforge', 1],
      ['Lost Mine', 1],
    ]);
    // Only what an NPC is told and its scope and the walk need: no timestamps, properties or provenance.
    expect(Object.keys(found!.graph!.entities[0]!).sort()).toEqual(['depth', 'description', 'id', 'name', 'nameKey', 'tags', 'type']);
    expect(Object.keys(found!.graph!.relationships[0]!).sort()).toEqual(['bidirectional', 'id', 'sourceId', 'targetId', 'type']);
    expect((await npcNeighbourhood(db, t, grimjaw!.id, campaignId, 'Nowhere', { depth: 1 }))!.graph).toBeNull();
    // A name is data, whatever it holds.
    for (const name of ["Ember Crown'; drop table entities; --", "$$ \\' ', é"]) {
      expect((await npcNeighbourhood(db, t, grimjaw!.id, campaignId, name, { depth: 1 }))!.graph).toBeNull();
    }
    // Another tenant sees neither the NPC nor the campaign's entities.
    expect(await npcNeighbourhood(db, other, grimjaw!.id, campaignId, 'Ember Crown', { depth: 1 })).toBeNull();
    const [theirs] = await withTenant(db, other, (tx) => tx.select().from(npcs));
    expect((await npcNeighbourhood(db, other, theirs!.id, campaignId, 'Ember Crown', { depth: 1 }))!.graph).toBeNull();
  });

  it('walks confirmed edges only when asked, for what NPCs may be told', async () => {
    await addRelationship(db, t, campaignId, { sourceId: id.Elara, targetId: id['Lost Mine'], type: 'dreams_of', source: 'transcript' });
    const all = await neighbourhood(db, t, campaignId, id.Elara, { depth: 1 });
    const confirmed = await neighbourhood(db, t, campaignId, id.Elara, { depth: 1, confirmedOnly: true });
    expect(all!.entities.map((e) => e.name)).toContain('Lost Mine');
    expect(confirmed!.entities.map((e) => e.name)).toEqual(['Elara', 'Grimjaw']);
  });

  it('keeps lore documents per campaign, titles unique ignoring case, and deleting an entity drops its edges', async () => {
    const doc = await addLoreDocument(db, t, campaignId, { title: 'The Ember Crown', kind: 'lore', body: '# The Ember Crown\n\nForged in **Deepforge** by the first king.' });
    expect(doc).toMatchObject({ kind: 'lore', titleKey: 'the ember crown' });
    expect(await addLoreDocument(db, t, campaignId, { title: 'the EMBER crown', body: '' })).toBeNull();
    await addLoreDocument(db, t, campaignId, { title: 'House rules', kind: 'rules', body: 'Critical hits deal double dice.' });
    expect((await listLoreDocuments(db, t, campaignId, { kind: 'rules', offset: 0, limit: 10 })).map((d) => d.title)).toEqual(['House rules']);
    expect(await listLoreDocuments(db, other, campaignId, { offset: 0, limit: 10 })).toEqual([]);
    expect(await updateLoreDocument(db, other, doc!.id, { body: 'stolen' })).toBeNull();
    expect(await updateLoreDocument(db, t, doc!.id, { kind: 'handout' })).toMatchObject({ kind: 'handout' });

    const spare = await withTenant(db, t, async (tx) => (await tx.insert(entities).values({ tenantId: t, campaignId, name: 'Spare', type: 'item' }).returning())[0]!);
    const edge = await addRelationship(db, t, campaignId, { sourceId: spare.id, targetId: id.Elara, type: 'owned_by' });
    await deleteEntity(db, t, spare.id);
    expect(await getRelationship(db, t, edge!.id)).toBeNull();
  });

  it('searches entities, lore and transcripts at once, each tenant its own', async () => {
    const session = await insertSession(db, t, { id: randomUUID(), tenantId: t, campaignId, guildId: 'g2', channelId: 'c', startedBy: 'dm' });
    const spoken = { sessionId: session.id, campaignId, npc: false };
    await appendSessionEntries(db, t, [
      { ...spoken, speakerId: 'p1', speakerName: 'Aria', text: 'Where did the king hide the crown?', spokenAt: new Date('2026-11-01T20:00:00Z') },
      { ...spoken, speakerId: 'p2', speakerName: 'Bram', text: 'I order another ale.', spokenAt: new Date('2026-11-01T20:00:05Z') },
    ]);
    const hits = await searchCampaign(db, t, campaignId, 'crown', 10);
    expect(hits.map((h) => [h.kind, h.title]).sort()).toEqual([
      ['entity', 'Ember Crown'],
      ['lore', 'The Ember Crown'],
      ['transcript', 'Aria'],
    ]);
    const line = hits.find((h) => h.kind === 'transcript')!;
    expect(line).toMatchObject({ sessionId: session.id, snippet: expect.stringContaining('«crown»') });
    expect((await searchCampaign(db, t, campaignId, '"double dice"', 10)).map((h) => h.title)).toEqual(['House rules']);
    expect(await searchCampaign(db, t, campaignId, 'crown -king', 10)).toHaveLength(1);
    // Another tenant's same-named campaign has its own entity; it never sees this one's lore or lines.
    expect((await searchCampaign(db, other, otherCampaignId, 'crown', 10)).map((h) => h.kind)).toEqual(['entity']);
    expect(await searchCampaign(db, other, campaignId, 'crown', 10)).toEqual([]);
  });

  it('remembers lore and transcripts as embedded passages and recalls the nearest', async () => {
    const [lore] = await listLoreDocuments(db, t, campaignId, { kind: 'handout', offset: 0, limit: 1 });
    await updateLoreDocument(db, t, lore!.id, {
      // Paragraphs too long to share a passage: one topic each.
      body: [
        'The Ember Crown was forged in Deepforge by the first king of the dwarves.',
        'Dragons sleep beneath the Lost Mine, guarding gold the dwarves left behind.',
        'The harbour smells of salt and tar, and the fishermen mend their nets.',
      ]
        .map((sentence) => `${sentence} `.repeat(6).trim())
        .join('\n\n'),
    });
    expect(await rememberLoreDocument(db, t, lore!.id, embedder)).toBe(true);
    const [session] = (await searchCampaign(db, t, campaignId, 'ale', 10)).filter((h) => h.kind === 'transcript');
    expect(await rememberSession(db, t, session!.sessionId!, embedder)).toBe(true);

    const hits = await recall(db, t, campaignId, embedder, 'sleeping dragons guarding gold', 3);
    expect(hits[0]).toMatchObject({ source: 'lore', loreDocumentId: lore!.id });
    expect(hits[0]!.content).toMatch(/Dragons sleep beneath the Lost Mine/);
    expect(hits.map((h) => h.distance)).toEqual([...hits.map((h) => h.distance)].sort((a, b) => a - b));
    const spoken = await recall(db, t, campaignId, embedder, 'another ale', 1);
    expect(spoken[0]).toMatchObject({ source: 'transcript', sessionId: session!.sessionId });

    // Remembering again replaces, never duplicates.
    await rememberLoreDocument(db, t, lore!.id, embedder);
    const again = await recall(db, t, campaignId, embedder, 'dragons', 50);
    expect(again.filter((h) => h.loreDocumentId === lore!.id).map((h) => h.position)).toEqual(expect.arrayContaining([0]));
    expect(new Set(again.map((h) => `${h.source}:${h.position}:${h.loreDocumentId ?? h.sessionId}`)).size).toBe(again.length);

    // Another tenant recalls nothing of it, even naming the campaign.
    expect(await recall(db, other, campaignId, embedder, 'dragons', 5)).toEqual([]);
    // Another model's vectors are not compared with these.
    expect(await recall(db, t, campaignId, { ...embedder, model: 'another-model', embed: embedder.embed }, 'dragons', 5)).toEqual([]);
    // Deleting the document forgets it.
    await deleteLoreDocument(db, t, lore!.id);
    expect((await recall(db, t, campaignId, embedder, 'dragons', 50)).some((h) => h.loreDocumentId === lore!.id)).toBe(false);
  });

  it('refuses vectors of the wrong length before and inside the database', async () => {
    await expect(nearestChunks(db, t, campaignId, { vector: [1, 0, 0], model: 'm' }, 3)).rejects.toThrow(EmbeddingLengthError);
    const short: Embedder = { model: 'short', embed: async (texts) => texts.map(() => [1, 0]) };
    const [doc] = await listLoreDocuments(db, t, campaignId, { offset: 0, limit: 1 });
    await expect(rememberLoreDocument(db, t, doc!.id, short)).rejects.toThrow(/2 dimensions; chunks store 256/);
  });

  it('searches by vector on the storage its migration chose', async () => {
    const chosen = await vectorSearchBackend(db);
    // The embedded PGlite loads pgvector; this machine's Postgres has none (a managed one would).
    if (backend.name === 'PGlite') expect(chosen).toBe('pgvector');
    const plan = await withTenant(db, t, async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const query = `{${new Array(EMBEDDING_DIMENSIONS).fill(0.1).join(',')}}`;
      return [...(await tx.execute<{ 'QUERY PLAN': string }>(sql`explain select id from chunks order by embedding_distance(embedding, ${query}::real[]) limit 5`))]
        .map((row) => row['QUERY PLAN'])
        .join('\n');
    });
    if (chosen === 'pgvector') expect(plan).toMatch(/chunks_embedding_hnsw/);
    else expect(plan).not.toMatch(/hnsw/);
  });
});
