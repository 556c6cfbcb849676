import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/src/client.ts';
import { createCampaign } from '../../db/src/repos/campaigns.ts';
import { addRelationship, listRelationships } from '../../db/src/repos/relationships.ts';
import { findEntityByName } from '../../db/src/repos/entities.ts';
import { seriousViolations, screenshotEachWidth } from '../lib/dashboard-page.ts';
import { SHOTS, startDashboardSystem, type DashboardSystem } from '../lib/dashboard-system.ts';

/**
 * The knowledge screen in real Chromium against the real system: a DM finds and adds
 * entities, accepts and rejects the relationships a session's transcript proposed, states
 * one, and writes a lore document; everything is read back after a reload. Pictured into
 * docs/screenshots/knowledge-*.png.
 */

let system: DashboardSystem;
const { db, close } = createDb(process.env.DATABASE_URL!, { max: 1 });

beforeAll(async () => {
  system = await startDashboardSystem();
});

afterAll(async () => {
  await system?.stop();
  await close();
});

describe('the knowledge screen in Chromium', () => {
  it('lets a DM keep entities, accept or reject proposals, state a relationship and write lore', async () => {
    const { page, errors } = await system.newPage();
    const userId = await system.signInLocally(page, 'Quill the DM');
    const tenant = `know-${Math.random().toString(36).slice(2, 10)}`;
    expect((await system.api('POST', '/tenants', { id: tenant })).status).toBe(201);
    await system.addMember(tenant, userId, 'dm');
    const entities = ['Sildar', 'Gundren', 'Cragmaw Castle', 'Klarg'].map((name) => ({ name, type: name.includes('Castle') ? ('location' as const) : ('npc' as const), description: `${name} of the Sword Coast.` }));
    const campaign = (await createCampaign(db, tenant, { campaign: { name: 'Lost Mine' }, npcs: [], entities }, { makeCurrent: true }))!;
    const id = async (name: string) => (await findEntityByName(db, tenant, campaign.id, name))!.id;
    // What a session's transcript left: two proposals waiting for the DM.
    for (const [source, target] of [
      ['Gundren', 'Cragmaw Castle'],
      ['Klarg', 'Sildar'],
    ] as const) {
      await addRelationship(db, tenant, campaign.id, { sourceId: await id(source), targetId: await id(target), type: 'mentioned_with', bidirectional: true, source: 'transcript', confidence: 0.5 });
    }

    await page.goto(`${system.edgeUrl}/teams/${tenant}/campaigns/${campaign.id}`);
    await page.getByRole('link', { name: 'Knowledge and lore' }).click();
    await page.getByRole('heading', { name: 'Knowledge of Lost Mine' }).waitFor();
    const table = page.getByRole('table', { name: 'Entities' });
    await table.getByRole('cell', { name: 'Cragmaw Castle', exact: true }).waitFor();

    const add = page.getByRole('form', { name: 'Add entity' });
    await add.getByLabel('Name').fill('Wave Echo Cave');
    await add.getByLabel('Type').selectOption('location');
    await add.getByLabel('Description').fill('Where the Forge of Spells lies.');
    await add.getByRole('button', { name: 'Add entity' }).click();
    await table.getByRole('cell', { name: 'Wave Echo Cave', exact: true }).waitFor();
    // A name the campaign has is refused, saying so.
    await add.getByLabel('Name').fill('sildar');
    await add.getByRole('button', { name: 'Add entity' }).click();
    await add.getByText(/already has an entity of this name/).waitFor();
    await page.getByLabel('Find an entity').fill('cave');
    expect(await table.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('Find an entity').fill('');

    const proposals = page.getByRole('list', { name: 'Proposed relationships' });
    await proposals.getByText('heard in a session, confidence 50%').first().waitFor();
    await page.getByRole('button', { name: 'Accept Gundren ↔ mentioned with ↔ Cragmaw Castle' }).click();
    await page.getByRole('list', { name: 'Confirmed relationships' }).getByText('Gundren ↔ mentioned with ↔ Cragmaw Castle').waitFor();
    await page.getByRole('button', { name: 'Reject Klarg ↔ mentioned with ↔ Sildar' }).click();
    await page.getByText('Proposals (0)').waitFor();

    const state = page.getByRole('form', { name: 'Add relationship' });
    await state.getByLabel('From').selectOption({ label: 'Klarg' });
    await state.getByLabel('Relationship').fill('guards');
    await state.getByLabel('To').selectOption({ label: 'Cragmaw Castle' });
    await state.getByRole('button', { name: 'Add relationship' }).click();
    await page.getByRole('list', { name: 'Confirmed relationships' }).getByText('Klarg → guards → Cragmaw Castle').waitFor();

    const lore = page.getByRole('form', { name: 'New lore document' });
    await lore.getByLabel('Title').fill('The Forge of Spells');
    await lore.getByLabel('Kind').selectOption('lore');
    await lore.getByLabel('Text (markdown)').fill('# The Forge\nIts **green flame** enchants what is forged in it.');
    await lore.getByRole('button', { name: 'Add document' }).click();
    await page.getByRole('list', { name: 'Lore documents' }).getByRole('button', { name: /The Forge of Spells/ }).waitFor();
    const edit = page.getByRole('form', { name: 'Edit lore document' });
    await edit.getByLabel('Kind').selectOption('handout');
    await edit.getByRole('button', { name: 'Save document' }).click();
    await page.getByRole('list', { name: 'Lore documents' }).getByText(/handout ·/).waitFor();

    expect(await seriousViolations(page)).toEqual([]);
    await screenshotEachWidth(page, SHOTS, 'knowledge');

    // Read back from the edge after a reload; the database holds what the screen shows.
    await page.reload();
    await page.getByRole('list', { name: 'Confirmed relationships' }).getByText('Klarg → guards → Cragmaw Castle').waitFor();
    await page.getByRole('list', { name: 'Lore documents' }).getByText(/handout ·/).waitFor();
    const edges = await listRelationships(db, tenant, campaign.id, { offset: 0, limit: 10 });
    expect(edges.map((r) => [r.type, r.source, r.dmConfirmed]).sort()).toEqual([
      ['guards', 'dm', true],
      ['mentioned_with', 'transcript', true],
    ]);
    // The refused duplicate is the one failed request.
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 409 (Conflict)']);
  });
});
