import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../src/client.ts';
import { DEMO_CAMPAIGN } from '../src/demo-campaign.ts';
import {
  appendSessionEntries,
  campaignOverview,
  createCampaign,
  currentCampaign,
  deleteEntity,
  currentEntityNames,
  findCampaignByName,
  importEntities,
  listCampaigns,
  listEntities,
  listSessionEntries,
  recapSubject,
  saveRecap,
  sessionSetup,
  campaignFacts,
  addRelationship,
  findEntityByName,
  setCurrentCampaign,
} from '../src/index.ts';
import { createTenant, deleteTenant, getTenant } from '../src/repos/tenants.ts';
import { insertSession, updateSession } from '../src/repos/sessions.ts';
import { DEMO_TENANT_ID, seedDemoTenant } from '../src/seed.ts';
import { asOperator, withTenant } from '../src/tenant-isolation/transactions.ts';
import { campaigns, sessionEntries } from '../src/schema/index.ts';
import { backends, databaseError, uniqueId } from './backends.ts';

const voice = { provider: 'espeak', voice_id: 'en', pitch: 0, speed: 1 };

describe.each(backends())('campaign data on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;
  const t = uniqueId('camp');

  beforeAll(async () => {
    await backend.setup();
    ({ db, close } = createDb(backend.url()));
    await createTenant(db, { id: t });
  });

  afterAll(async () => {
    await deleteTenant(db, t);
    await close();
    await backend.teardown();
  });

  it('creates a campaign with its NPCs and entities, and makes it current', async () => {
    const campaign = await createCampaign(
      db,
      t,
      { campaign: { name: 'Curse of Strahd', gameSystem: 'dnd5e' }, npcs: [{ name: 'Ireena', voice, gmHelper: false }], entities: [{ name: 'Barovia', type: 'location' }] },
      { makeCurrent: true },
    );
    expect(campaign).toMatchObject({ tenantId: t, name: 'Curse of Strahd', nameKey: 'curse of strahd' });
    expect((await currentCampaign(db, t))?.id).toBe(campaign!.id);
    expect(await campaignOverview(db, t, campaign!.id)).toEqual({ npcs: [{ name: 'Ireena', gmHelper: false }], entityCounts: [{ type: 'location', count: 1 }] });
  });

  it('keeps campaign names unique per tenant, ignoring case, among campaigns not deleted', async () => {
    const again = { campaign: { name: 'CURSE OF STRAHD' }, npcs: [], entities: [] };
    expect(await createCampaign(db, t, again, { makeCurrent: false })).toBeNull();
    expect((await findCampaignByName(db, t, 'curse of strahd'))?.name).toBe('Curse of Strahd');
    await withTenant(db, t, (tx) => tx.update(campaigns).set({ deletedAt: new Date() }).where(sql`${campaigns.nameKey} = 'curse of strahd'`));
    // Deleted: gone from lookups and from being current, and its name is free again.
    expect(await findCampaignByName(db, t, 'Curse of Strahd')).toBeNull();
    expect(await currentCampaign(db, t)).toBeNull();
    expect(await createCampaign(db, t, again, { makeCurrent: false })).not.toBeNull();
  });

  it('refuses an NPC voice out of range and a second NPC of the same name', async () => {
    const content = (npcs: Parameters<typeof createCampaign>[2]['npcs']) => ({ campaign: { name: uniqueId('c') }, npcs, entities: [] });
    expect(await databaseError(createCampaign(db, t, content([{ name: 'Loud', voice: { ...voice, pitch: 11 } }]), { makeCurrent: false }))).toMatch(/npcs_voice_pitch/);
    expect(await databaseError(createCampaign(db, t, content([{ name: 'Twin', voice }, { name: 'twin', voice }]), { makeCurrent: false }))).toMatch(/npcs_campaign_name/);
  });

  it('imports entities, updating those whose name it has, and lists, completes and deletes them', async () => {
    const campaign = (await createCampaign(db, t, { campaign: { name: uniqueId('world') }, npcs: [], entities: [{ name: 'Phandalin', type: 'location' }] }, { makeCurrent: true }))!;
    const result = await importEntities(db, t, campaign.id, [
      { name: 'PHANDALIN', type: 'location', description: 'A frontier town.', tags: ['town'] },
      { name: '100% Glass_Staff', type: 'item' },
      { name: 'Redbrands', type: 'faction' },
    ]);
    expect(result).toEqual({ added: 2, updated: 1 });
    const page = await listEntities(db, t, campaign.id, { offset: 0, limit: 2 });
    expect(page.total).toBe(3);
    expect(page.entities.map((e) => e.name)).toEqual(['100% Glass_Staff', 'PHANDALIN']);
    expect((await listEntities(db, t, campaign.id, { type: 'faction', offset: 0, limit: 10 })).entities.map((e) => e.name)).toEqual(['Redbrands']);
    // What a user types is matched literally, not as a pattern.
    expect(await currentEntityNames(db, t, '0% g', 25)).toEqual(['100% Glass_Staff']);
    expect(await currentEntityNames(db, t, '_', 25)).toEqual(['100% Glass_Staff']);
    const [phandalin] = page.entities.filter((e) => e.name === 'PHANDALIN');
    expect(phandalin).toMatchObject({ description: 'A frontier town.', tags: ['town'] });
    expect((await deleteEntity(db, t, phandalin!.id))?.name).toBe('PHANDALIN');
    expect(await deleteEntity(db, t, phandalin!.id)).toBeNull();
  });

  it('stores transcript lines once, searchable, and finds the session to recap', async () => {
    const campaign = (await createCampaign(db, t, { campaign: { name: uniqueId('recap') }, npcs: [], entities: [] }, { makeCurrent: false }))!;
    const session = await insertSession(db, t, { id: crypto.randomUUID(), tenantId: t, campaignId: campaign.id, guildId: 'g', channelId: 'c', startedBy: 'u' });
    const at = new Date('2026-11-01T20:00:00Z');
    const lines = [
      { speakerId: 'p1', speakerName: 'Vex', text: 'We search the abandoned forge.', spokenAt: at },
      { speakerId: 'n1', speakerName: 'Grimjaw', npc: true, text: 'Mind the anvil.', spokenAt: new Date(at.getTime() + 1000) },
    ].map((line) => ({ ...line, sessionId: session.id, campaignId: campaign.id }));
    expect(await appendSessionEntries(db, t, lines)).toHaveLength(2);
    // The node resends the batch after a reconnect: nothing new.
    expect(await appendSessionEntries(db, t, lines)).toEqual([]);
    expect((await listSessionEntries(db, t, session.id, 10)).map((e) => e.speakerName)).toEqual(['Vex', 'Grimjaw']);
    const found = await withTenant(db, t, (tx) =>
      tx.select({ text: sessionEntries.text }).from(sessionEntries).where(sql`${sessionEntries.search} @@ plainto_tsquery('simple', 'forge')`),
    );
    expect(found).toEqual([{ text: 'We search the abandoned forge.' }]);

    // Still running: not the last session to recap, but one can name it.
    expect((await recapSubject(db, t))?.session.id).not.toBe(session.id);
    expect(await recapSubject(db, t, session.id)).toMatchObject({ session: { id: session.id }, campaign: { name: campaign.name, language: null }, recap: null });
    await updateSession(db, t, session.id, { state: 'ended', endedAt: new Date() });
    expect((await recapSubject(db, t))?.session.id).toBe(session.id);
    const first = await saveRecap(db, t, { sessionId: session.id, text: 'They searched the forge.', source: 'extractive' });
    expect(await saveRecap(db, t, { sessionId: session.id, text: 'Another try.', source: 'llm' })).toEqual(first);
    expect((await recapSubject(db, t))?.recap?.text).toBe('They searched the forge.');
  });

  it('loads what a session starts with, and nothing for a campaign of another tenant', async () => {
    const other = uniqueId('other');
    await createTenant(db, { id: other });
    try {
      const mine = (await createCampaign(db, t, { campaign: { name: uniqueId('setup') }, npcs: [{ name: 'Sera', voice }], entities: [{ name: 'A', type: 'lore' }, { name: 'B', type: 'lore' }] }, { makeCurrent: false }))!;
      const theirs = (await createCampaign(db, other, { campaign: { name: 'theirs' }, npcs: [], entities: [] }, { makeCurrent: false }))!;
      const setup = await sessionSetup(db, t, mine.id, { maxEntities: 1, maxRelationships: 10 });
      expect(setup?.npcs.map((n) => n.name)).toEqual(['Sera']);
      expect(setup?.entities).toHaveLength(1);
      expect(await sessionSetup(db, t, theirs.id, { maxEntities: 10, maxRelationships: 10 })).toBeNull();
      expect(await campaignFacts(db, t, theirs.id, { maxEntities: 10, maxRelationships: 10 })).toBeNull();
      expect(await sessionSetup(db, t, null, { maxEntities: 10, maxRelationships: 10 })).toEqual({ campaign: null, npcs: [], entities: [], relationships: [], providers: [] });
      expect(await setCurrentCampaign(db, t, theirs.id)).toBe(false);
      expect((await listCampaigns(db, t, { typed: 'theirs', limit: 25 }))).toEqual([]);
    } finally {
      await deleteTenant(db, other);
    }
  });

  it('gives a session the confirmed relationships among the entities it takes, by name, never a proposal', async () => {
    const campaign = (await createCampaign(
      db,
      t,
      { campaign: { name: uniqueId('facts') }, npcs: [], entities: ['Klarg', 'Cragmaw Castle', 'Sildar', 'Old Owl Well'].map((name) => ({ name, type: 'npc' as const })) },
      { makeCurrent: false },
    ))!;
    const id = async (name: string) => (await findEntityByName(db, t, campaign.id, name))!.id;
    await addRelationship(db, t, campaign.id, { sourceId: await id('Klarg'), targetId: await id('Cragmaw Castle'), type: 'guards' });
    await addRelationship(db, t, campaign.id, { sourceId: await id('Sildar'), targetId: await id('Klarg'), type: 'hunts', bidirectional: false });
    await addRelationship(db, t, campaign.id, { sourceId: await id('Sildar'), targetId: await id('Cragmaw Castle'), type: 'mentioned_with', source: 'transcript', confidence: 0.5, bidirectional: true });
    await addRelationship(db, t, campaign.id, { sourceId: await id('Old Owl Well'), targetId: await id('Klarg'), type: 'rivals', bidirectional: true });
    const facts = await campaignFacts(db, t, campaign.id, { maxEntities: 10, maxRelationships: 10 });
    expect(facts?.relationships.map((r) => `${r.source} ${r.type} ${r.target} ${r.bidirectional}`).sort()).toEqual([
      'Klarg guards Cragmaw Castle false',
      'Old Owl Well rivals Klarg true',
      'Sildar hunts Klarg false',
    ]);
    // Only between entities the session took along, when it cannot take them all.
    const fewer = await campaignFacts(db, t, campaign.id, { maxEntities: 3, maxRelationships: 10 });
    const kept = new Set(fewer!.entities.map((e) => e.name));
    expect(fewer!.relationships.length).toBeGreaterThan(0);
    for (const r of fewer!.relationships) expect(kept.has(r.source) && kept.has(r.target)).toBe(true);
    expect((await campaignFacts(db, t, campaign.id, { maxEntities: 10, maxRelationships: 1 }))!.relationships).toHaveLength(1);
  });

  it('seeds the demo tenant with its campaign as the current one, once', async () => {
    const first = await seedDemoTenant(db);
    const again = await seedDemoTenant(db);
    expect(again.campaignId).toBe(first.campaignId);
    const campaign = await currentCampaign(db, DEMO_TENANT_ID);
    expect(campaign?.name).toBe(DEMO_CAMPAIGN.campaign.name);
    const overview = await campaignOverview(db, DEMO_TENANT_ID, campaign!.id);
    expect(overview.npcs).toEqual([{ name: 'Elara', gmHelper: false }, { name: 'Grimjaw', gmHelper: false }, { name: 'The Narrator', gmHelper: true }]);
    const demoCampaigns = await asOperator(db, (tx) => tx.select().from(campaigns).where(sql`${campaigns.tenantId} = ${DEMO_TENANT_ID} and ${campaigns.name} = ${DEMO_CAMPAIGN.campaign.name}`));
    expect(demoCampaigns).toHaveLength(1);
    // A campaign the demo tenant picked since is left as it is.
    const picked = (await createCampaign(db, DEMO_TENANT_ID, { campaign: { name: uniqueId('mine') }, npcs: [], entities: [] }, { makeCurrent: true }))!;
    try {
      expect((await seedDemoTenant(db)).campaignId).toBe(picked.id);
      expect((await getTenant(db, DEMO_TENANT_ID))?.campaignId).toBe(picked.id);
    } finally {
      await setCurrentCampaign(db, DEMO_TENANT_ID, demoCampaigns[0]!.id);
      await asOperator(db, (tx) => tx.delete(campaigns).where(sql`${campaigns.id} = ${picked.id}`));
    }
  });
});
