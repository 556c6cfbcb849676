import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../src/client.ts';
import { addRelationship, appendSessionEntries, createCampaign, listRelationships, proposeFromTranscript, TRANSCRIPT_PROPOSAL_TYPE } from '../src/index.ts';
import { insertSession } from '../src/repos/sessions.ts';
import { createTenant, deleteTenant } from '../src/repos/tenants.ts';
import { entities } from '../src/schema/index.ts';
import { withTenant } from '../src/tenant-isolation/transactions.ts';
import { backends, uniqueId } from './backends.ts';

const NAMES = ['Grimjaw', 'Ironhold', 'Elara', 'Ember Crown'] as const;

describe.each(backends())('relationship proposals from a transcript on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;
  const t = uniqueId('prop');
  const other = uniqueId('prop');
  let campaignId: string;
  const id: Record<string, string> = {};

  beforeAll(async () => {
    await backend.setup();
    ({ db, close } = createDb(backend.url()));
    for (const tenant of [t, other]) await createTenant(db, { id: tenant });
    const content = { campaign: { name: 'Saga' }, npcs: [], entities: NAMES.map((name) => ({ name, type: 'npc' as const })) };
    campaignId = (await createCampaign(db, t, content, { makeCurrent: false }))!.id;
    await createCampaign(db, other, content, { makeCurrent: false });
    for (const row of await withTenant(db, t, (tx) => tx.select().from(entities))) id[row.name] = row.id;
    await addRelationship(db, t, campaignId, { sourceId: id.Grimjaw!, targetId: id.Ironhold!, type: 'lives_in' });
  });

  afterAll(async () => {
    for (const tenant of [t, other]) await deleteTenant(db, tenant);
    await close();
    await backend.teardown();
  });

  it('proposes each pair named in one line, unconfirmed, once, leaving pairs already related alone', async () => {
    const session = await insertSession(db, t, { id: randomUUID(), tenantId: t, campaignId, guildId: 'g', channelId: 'c', startedBy: 'dm' });
    const at = (s: number) => new Date(Date.UTC(2026, 10, 1, 20, 0, s));
    const line = (s: number, text: string) => ({ sessionId: session.id, campaignId, npc: false, speakerId: `p${s}`, speakerName: 'Aria', text, spokenAt: at(s) });
    await appendSessionEntries(db, t, [
      line(1, 'Grimjaw says Ironhold is safe.'),
      line(2, 'Elara stole the EMBER CROWN!'),
      line(3, 'Did Elara hide the Ember Crown?'),
      line(4, 'Elara owes Grimjaw gold.'),
      line(5, 'Nobody here.'),
    ]);
    // Another tenant cannot make proposals from this session.
    expect(await proposeFromTranscript(db, other, session.id)).toBe(0);

    expect(await proposeFromTranscript(db, t, session.id)).toBe(2);
    const proposals = await listRelationships(db, t, campaignId, { confirmed: false, offset: 0, limit: 10 });
    const named = (r: (typeof proposals)[number]) => [Object.keys(id).find((n) => id[n] === r.sourceId), Object.keys(id).find((n) => id[n] === r.targetId)].sort();
    expect(proposals.map((r) => [named(r), r.type, r.source, r.sessionId, r.bidirectional, Number(r.confidence.toFixed(3))]).sort()).toEqual([
      [['Elara', 'Ember Crown'], TRANSCRIPT_PROPOSAL_TYPE, 'transcript', session.id, true, 0.667],
      [['Elara', 'Grimjaw'], TRANSCRIPT_PROPOSAL_TYPE, 'transcript', session.id, true, 0.5],
    ]);
    // The DM's own edge stays the only one between Grimjaw and Ironhold; a second run adds nothing.
    expect((await listRelationships(db, t, campaignId, { entityId: id.Ironhold!, offset: 0, limit: 10 })).map((r) => r.type)).toEqual(['lives_in']);
    expect(await proposeFromTranscript(db, t, session.id)).toBe(0);
  });
});
