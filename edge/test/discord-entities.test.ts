import { env } from 'cloudflare:workers';
import { auditLog, createCampaign, createDb, entities, withTenant } from '@glyphoxa/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  discordTenant,
  editedMessage,
  editedReply,
  pressButton,
  runCommand,
  submitModal,
  uploadAttachment,
  type DiscordTenant,
} from './helpers/discord.ts';
import { admin } from './helpers/admin.ts';

const DEFERRED_EPHEMERAL = { type: 5, data: { flags: 64 } };
const DM_ROLE = '100000000000000777';
const dm = { roles: [DM_ROLE] };
const nameOption = (value: string, focused = false) => ({ name: 'name', type: 3, value, focused });
const REFUSAL = `Only the DM can do that: it needs the <@&${DM_ROLE}> role, which you do not have.`;

describe('/entity, in the tenant\'s current campaign', () => {
  let tenant: DiscordTenant;
  let other: DiscordTenant;
  const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  const namesIn = async (t: DiscordTenant) => (await withTenant(db, t.id, (tx) => tx.select({ name: entities.name }).from(entities))).map((e) => e.name).sort();

  beforeAll(async () => {
    tenant = await discordTenant({ dm_role_id: DM_ROLE });
    other = await discordTenant();
    await createCampaign(db, tenant.id, { campaign: { name: 'Phandelver' }, npcs: [], entities: [{ name: 'Phandalin', type: 'location', description: 'A frontier town.' }] }, { makeCurrent: true });
    // The other tenant has an entity of the same name in a campaign of the same name.
    await createCampaign(db, other.id, { campaign: { name: 'Phandelver' }, npcs: [], entities: [{ name: 'Phandalin', type: 'location', description: 'Theirs.' }] }, { makeCurrent: true });
  });
  afterAll(async () => {
    await admin('DELETE', `/tenants/${tenant.id}`);
    await admin('DELETE', `/tenants/${other.id}`);
  });

  describe('add', () => {
    it('opens a form with name, type, description and tags', async () => {
      const res = await runCommand(tenant, 'entity', { subcommand: 'add', ...dm });
      expect(res.body.type).toBe(9);
      expect(res.body.data.custom_id).toBe('entity-add');
      const inputs = res.body.data.components.map((row: { components: Array<{ custom_id: string; required: boolean }> }) => row.components[0]);
      expect(inputs.map((i: { custom_id: string }) => i.custom_id)).toEqual(['name', 'type', 'description', 'tags']);
      expect(inputs.map((i: { required: boolean }) => i.required)).toEqual([true, true, false, false]);
    });

    it('stores the submitted entity in the current campaign, and audits it', async () => {
      const user = '100000000000000042';
      const res = await submitModal(tenant, 'entity-add', { name: '  Glass Staff ', type: 'Item', description: 'A staff of glass.', tags: 'magic, weapon,, ' }, user);
      // The form's submit carries the member's roles like any interaction: this one has none.
      expect(res.body.data.content).toBe(REFUSAL);

      const body = { name: 'Glass Staff', type: 'Item', description: 'A staff of glass.', tags: 'magic, weapon,, ' };
      const submitted = await submitAs(tenant, body, dm.roles);
      expect(submitted.body).toEqual(DEFERRED_EPHEMERAL);
      expect(await editedReply(submitted.token)).toBe('Added **Glass Staff** (item) to **Phandelver**.');
      const [row] = await withTenant(db, tenant.id, (tx) => tx.select().from(entities).where(eq(entities.name, 'Glass Staff')));
      expect(row).toMatchObject({ type: 'item', description: 'A staff of glass.', tags: ['magic', 'weapon'] });
      const audit = await withTenant(db, tenant.id, (tx) => tx.select().from(auditLog).where(eq(auditLog.target, row!.id)));
      expect(audit.map((a) => a.action)).toEqual(['entity.create']);

      const again = await submitAs(tenant, { ...body, name: 'GLASS STAFF' }, dm.roles);
      expect(await editedReply(again.token)).toMatch(/^\*\*Phandelver\*\* already has an entity named \*\*GLASS STAFF\*\*/);
    });

    it('refuses a form with a bad type or no name, saying which field, at once', async () => {
      const res = await submitAs(tenant, { name: ' ', type: 'dragon', description: '', tags: '' }, dm.roles);
      expect(res.body.type).toBe(4);
      expect(res.body.data.content).toBe('Entity not added: name must not be empty; type must be one of npc, location, item, faction, quest, lore.');
    });
  });

  describe('list', () => {
    it('shows the campaign\'s entities in an embed, only this tenant\'s', async () => {
      const res = await runCommand(tenant, 'entity', { subcommand: 'list' });
      expect(res.body).toEqual(DEFERRED_EPHEMERAL);
      const message = await editedMessage(res.token);
      expect(message.embeds[0]!.title).toBe('Phandelver: entities');
      expect(message.embeds[0]!.description).toContain('**Phandalin** · location — A frontier town.');
      expect(message.embeds[0]!.description).not.toContain('Theirs');
      expect(message.components).toEqual([]);
    });

    it('filters by type, and pages with buttons within Discord\'s limits', async () => {
      const t = await discordTenant();
      try {
        const many = Array.from({ length: 40 }, (_, i) => ({ name: `Cave ${String(i).padStart(2, '0')}`, type: 'location' as const, description: 'd'.repeat(300) }));
        await createCampaign(db, t.id, { campaign: { name: 'Underdark' }, npcs: [], entities: [...many, { name: 'Drow', type: 'faction' }] }, { makeCurrent: true });
        const first = await editedMessage((await runCommand(t, 'entity', { subcommand: 'list', options: [{ name: 'type', type: 3, value: 'location' }] })).token);
        expect(first.embeds[0]!.title).toBe('Underdark: location entities');
        expect(first.embeds[0]!.footer!.text).toBe('Page 1 of 3 · 40 entities');
        expect(first.embeds[0]!.description!.length).toBeLessThanOrEqual(4096);
        expect(first.embeds[0]!.description).not.toContain('Drow');
        const [previous, next] = first.components[0]!.components;
        expect(previous).toMatchObject({ type: 2, label: 'Previous', disabled: true });
        expect(next).toMatchObject({ type: 2, label: 'Next', custom_id: 'entity-list:location:1', disabled: false });

        const turned = await pressButton(t, next!.custom_id);
        expect(turned.body).toEqual({ type: 6 });
        const second = await editedMessage(turned.token);
        expect(second.embeds[0]!.footer!.text).toBe('Page 2 of 3 · 40 entities');
        expect(second.embeds[0]!.description).toContain('**Cave 15**');
        const last = await editedMessage((await pressButton(t, 'entity-list:location:2')).token);
        expect(last.components[0]!.components[1]).toMatchObject({ label: 'Next', disabled: true });
      } finally {
        await admin('DELETE', `/tenants/${t.id}`);
      }
    });

    it('says so when there is no current campaign', async () => {
      const t = await discordTenant();
      try {
        const res = await runCommand(t, 'entity', { subcommand: 'list' });
        expect(await editedReply(res.token)).toBe('You have no current campaign. Load one with `/campaign load` or pick one with `/campaign switch`.');
      } finally {
        await admin('DELETE', `/tenants/${t.id}`);
      }
    });
  });

  describe('remove', () => {
    it('autocompletes names from the current campaign only', async () => {
      const complete = (t: DiscordTenant, typed: string) => runCommand(t, 'entity', { type: 4, subcommand: 'remove', options: [nameOption(typed, true)] });
      expect((await complete(tenant, 'phan')).body).toEqual({ type: 8, data: { choices: [{ name: 'Phandalin', value: 'Phandalin' }] } });
      expect((await complete(other, 'glass')).body).toEqual({ type: 8, data: { choices: [] } });
    });

    it('asks with a confirm button, then deletes', async () => {
      await submitAs(tenant, { name: 'Redbrands', type: 'faction', description: '', tags: '' }, dm.roles).then((r) => editedReply(r.token));
      const res = await runCommand(tenant, 'entity', { subcommand: 'remove', options: [nameOption('redbrands')], ...dm });
      const prompt = await editedMessage(res.token);
      expect(prompt.content).toBe('Remove **Redbrands** (faction) from **Phandelver**? This cannot be undone.');
      const [confirm, keep] = prompt.components[0]!.components;
      expect(confirm).toMatchObject({ label: 'Remove', style: 4, custom_id: expect.stringMatching(/^entity-remove:[0-9a-f-]{36}$/) });
      expect(keep).toMatchObject({ label: 'Keep it', custom_id: 'entity-keep' });
      expect(await namesIn(tenant)).toContain('Redbrands');

      // Keeping it answers at once and takes the buttons away.
      const kept = await pressButton(tenant, keep!.custom_id, dm);
      expect(kept.body).toEqual({ type: 7, data: { content: 'Nothing was removed.', embeds: [], components: [], allowed_mentions: { parse: [] } } });

      // Another tenant's bot cannot press it.
      const foreign = await pressButton(other, confirm!.custom_id);
      expect(await editedReply(foreign.token)).toBe('That entity was already removed.');
      expect(await namesIn(tenant)).toContain('Redbrands');

      expect((await pressButton(tenant, confirm!.custom_id)).body.data.content).toBe(REFUSAL);
      const removed = await pressButton(tenant, confirm!.custom_id, dm);
      expect(removed.body).toEqual({ type: 6 });
      const done = await editedMessage(removed.token);
      expect(done).toMatchObject({ content: 'Removed **Redbrands**.', components: [] });
      expect(await namesIn(tenant)).not.toContain('Redbrands');
    });

    it('says so for a name the campaign does not have', async () => {
      const res = await runCommand(tenant, 'entity', { subcommand: 'remove', options: [nameOption('Nobody')], ...dm });
      expect(await editedReply(res.token)).toBe('**Phandelver** has no entity named **Nobody**.');
    });
  });

  describe('import', () => {
    const FILE = `
entities:
  - name: Sildar Hallwinter
    type: npc
    description: A knight of the Lords' Alliance.
    tags: [lords alliance]
  - name: Wave Echo Cave
    type: QUEST
    properties: { status: active }
  - name: Nameless
  - { name: Bad Tags, type: lore, tags: oops }
  - name: phandalin
    type: location
    description: Updated by the import.
  - name: Sildar Hallwinter
    type: npc
  - just a string
`;

    it('keeps the valid entries and reports the others by their place in the file', async () => {
      const file = await uploadAttachment('entities.yaml', FILE);
      const res = await runCommand(tenant, 'entity', { subcommand: 'import', attachment: file, ...dm });
      expect(res.body).toEqual(DEFERRED_EPHEMERAL);
      expect(await editedReply(res.token)).toBe(
        [
          'Imported into **Phandelver**: 2 added, 1 updated.',
          '4 entries were skipped:',
          '• entities #3 (Nameless): type is missing',
          '• entities #4 (Bad Tags): tags must be a list',
          '• entities #6 (Sildar Hallwinter): the name is already taken by entities #1',
          '• entities #7: must be a mapping with name and type',
        ].join('\n'),
      );
      const rows = await withTenant(db, tenant.id, (tx) => tx.select().from(entities));
      expect(rows.find((e) => e.name === 'Wave Echo Cave')).toMatchObject({ type: 'quest', properties: { status: 'active' } });
      expect(rows.find((e) => e.nameKey === 'phandalin')).toMatchObject({ name: 'phandalin', description: 'Updated by the import.' });
      // The other tenant's Phandalin is untouched.
      const theirs = await withTenant(db, other.id, (tx) => tx.select().from(entities));
      expect(theirs.map((e) => e.description)).toEqual(['Theirs.']);
    });

    it('refuses a file over 10 MB, one that is not YAML, and one without entities', async () => {
      const big = await uploadAttachment('big.yaml', 'x'.repeat(1024 * 1024), 11);
      expect(await editedReply((await runCommand(tenant, 'entity', { subcommand: 'import', attachment: big, ...dm })).token)).toBe('Nothing imported: big.yaml is larger than 10 MB.');
      // Discord's size may be wrong; what is read counts.
      const lying = { ...big, size: 10 };
      expect(await editedReply((await runCommand(tenant, 'entity', { subcommand: 'import', attachment: lying, ...dm })).token)).toBe('Nothing imported: big.yaml is larger than 10 MB.');
      const broken = await uploadAttachment('broken.yaml', 'entities: [\n  - name: x');
      expect(await editedReply((await runCommand(tenant, 'entity', { subcommand: 'import', attachment: broken, ...dm })).token)).toMatch(/^Nothing imported: It is not valid YAML: .+ at line \d+, column \d+/);
      const empty = await uploadAttachment('empty.yaml', 'name: just a campaign');
      expect(await editedReply((await runCommand(tenant, 'entity', { subcommand: 'import', attachment: empty, ...dm })).token)).toBe(
        'Nothing imported: the file has no `entities:` list (see the campaign YAML format).',
      );
    });
  });

  it('refuses add, remove and import to members without the DM role, but not list', async () => {
    for (const subcommand of ['add', 'remove', 'import']) {
      const res = await runCommand(tenant, 'entity', { subcommand, options: subcommand === 'remove' ? [nameOption('Phandalin')] : [] });
      expect(res.body).toEqual({ type: 4, data: { content: REFUSAL, flags: 64, allowed_mentions: { parse: [] } } });
    }
    expect((await runCommand(tenant, 'entity', { subcommand: 'list' })).body).toEqual(DEFERRED_EPHEMERAL);
    // (Renamed to the import's spelling above; still there.)
    expect(await namesIn(tenant)).toContain('phandalin');
  });
});

/** The add form, submitted by a member with these roles. */
const submitAs = (t: DiscordTenant, values: Record<string, string>, roles: string[]) => submitModal(t, 'entity-add', values, '100000000000000001', roles);
