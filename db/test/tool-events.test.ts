import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../src/client.ts';
import { appendSessionEntries, createCampaign, listRelationships, listSessionEntries, proposeFromTranscript, recentSessionEntries } from '../src/index.ts';
import { insertSession } from '../src/repos/sessions.ts';
import { createTenant, deleteTenant } from '../src/repos/tenants.ts';
import { backends, uniqueId } from './backends.ts';

describe.each(backends())('NPC tool events in a transcript on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;
  const t = uniqueId('tools');

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

  it('are kept for the DM, and left out of what recaps, archives, proposals and recent_transcript read as said', async () => {
    const content = { campaign: { name: 'Saga' }, npcs: [], entities: ['Grimjaw', 'Ironhold'].map((name) => ({ name, type: 'npc' as const })) };
    const campaignId = (await createCampaign(db, t, content, { makeCurrent: false }))!.id;
    const session = await insertSession(db, t, { id: randomUUID(), tenantId: t, campaignId, guildId: 'g', channelId: 'c', startedBy: 'dm' });
    const at = (ms: number) => new Date(Date.now() - 60_000 + ms);
    const base = { sessionId: session.id, campaignId, speakerId: 'npc-1', speakerName: 'Grimjaw', npc: true };
    const tool = { name: 'campaign_knowledge', arguments: '{"name":"Ironhold"}', result: '{"found":true}', error: false };
    await appendSessionEntries(db, t, [
      { ...base, speakerId: 'p1', speakerName: 'Ana', npc: false, text: 'What about the town?', spokenAt: at(0) },
      // A tool event naming both entities: not the table's talk, so no proposal comes of it.
      { ...base, text: 'campaign_knowledge {"name":"Ironhold"}: Grimjaw knows Ironhold', tool, spokenAt: at(1) },
      { ...base, text: 'A mining town.', spokenAt: at(2) },
    ]);

    const all = await listSessionEntries(db, t, session.id, 10);
    expect(all.map((line) => line.tool)).toEqual([null, tool, null]);
    expect((await listSessionEntries(db, t, session.id, 10, undefined, 'spoken')).map((line) => line.text)).toEqual(['What about the town?', 'A mining town.']);
    // Paging after a line still works with tool events left out.
    expect((await listSessionEntries(db, t, session.id, 10, all[0]!.id, 'spoken')).map((line) => line.text)).toEqual(['A mining town.']);
    expect((await recentSessionEntries(db, t, session.id, at(-1000), 10)).map((line) => line.text)).toEqual(['What about the town?', 'A mining town.']);
    expect(await proposeFromTranscript(db, t, session.id)).toBe(0);
    expect(await listRelationships(db, t, campaignId, { confirmed: false, offset: 0, limit: 10 })).toEqual([]);
  });
});
