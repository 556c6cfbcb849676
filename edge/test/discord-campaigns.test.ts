import { env } from 'cloudflare:workers';
import { auditLog, createCampaign, createDb, currentCampaign, getTenant, listCampaigns } from '@glyphoxa/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, snowflake } from './helpers/admin.ts';
import { discordTenant, editedMessage, editedReply, runCommand, uploadAttachment, type DiscordTenant } from './helpers/discord.ts';
import { TestNode } from './helpers/test-node.ts';

const DEFERRED_EPHEMERAL = { type: 5, data: { flags: 64 } };
const DM_ROLE = '100000000000000777';
const dm = { roles: [DM_ROLE] };
const nameOption = (value: string, focused = false) => ({ name: 'name', type: 3, value, focused });

const CAMPAIGN_FILE = `
name: Curse of Strahd
system: dnd5e
language: en
description: Gothic horror in the land of Barovia.
npcs:
  - name: Ireena Kolyana
    aliases: [Ireena]
    personality: Brave and stubborn; the burgomaster's adopted daughter.
    voice: { provider: elevenlabs, voice_id: EXAVITQu4vr4xnSDxMaL, pitch: 2, speed: 1.1 }
    knowledge_scope: [Barovia, Strahd]
    secret_knowledge: She is the reincarnation of Tatyana.
    behavior_rules: [Never trusts Strahd]
  - name: The Narrator
    voice: { provider: espeak, voice_id: en }
    gm_helper: true
entities:
  - { name: Barovia, type: location, description: A valley under endless mist., tags: [valley] }
  - { name: Castle Ravenloft, type: location }
  - { name: Sunsword, type: item, tags: [artifact] }
`;

describe('/campaign, from Postgres', () => {
  let tenant: DiscordTenant;
  let other: DiscordTenant;
  let node: TestNode;
  const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  const inNewGuild = (): DiscordTenant => ({ ...tenant, guildId: snowflake() });

  beforeAll(async () => {
    tenant = await discordTenant({ license_tier: 'dedicated', max_concurrent_sessions: 5, dm_role_id: DM_ROLE });
    other = await discordTenant();
    node = await TestNode.connect((await admin('POST', '/nodes', { pool: tenant.id })).body.token, { capacity: 5 });
    await createCampaign(db, other.id, { campaign: { name: 'Their Secret Campaign' }, npcs: [], entities: [] }, { makeCurrent: true });
  });
  afterAll(async () => {
    await admin('DELETE', `/tenants/${tenant.id}`);
    await admin('DELETE', `/tenants/${other.id}`);
    node.close();
  });

  it('info says there is no campaign yet', async () => {
    const res = await runCommand(tenant, 'campaign', { subcommand: 'info' });
    expect(await editedReply(res.token)).toBe('You have no current campaign. Load one with `/campaign load` or pick one with `/campaign switch`.');
  });

  it('load creates the campaign with its NPCs and entities and makes it current; info shows it', async () => {
    const file = await uploadAttachment('strahd.yaml', CAMPAIGN_FILE);
    const res = await runCommand(tenant, 'campaign', { subcommand: 'load', attachment: file, ...dm });
    expect(res.body).toEqual(DEFERRED_EPHEMERAL);
    expect(await editedReply(res.token)).toBe('Loaded **Curse of Strahd**: 2 NPCs, 3 entities. It is now your current campaign.');
    const current = await currentCampaign(db, tenant.id);
    expect(current).toMatchObject({ name: 'Curse of Strahd', gameSystem: 'dnd5e', language: 'en' });
    expect((await getTenant(db, tenant.id))?.campaignId).toBe(current!.id);
    // The web's create campaign operation did it, audited as the Discord member.
    const audited = await db.select().from(auditLog).where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.target, current!.id)));
    expect(audited.map((r) => [r.actor, r.action, r.detail])).toEqual([['discord:100000000000000001', 'campaign.create', { npcs: 2, entities: 3, current: true }]]);

    const info = await editedMessage((await runCommand(tenant, 'campaign', { subcommand: 'info' })).token);
    expect(info.embeds[0]).toMatchObject({
      title: 'Curse of Strahd',
      description: 'Gothic horror in the land of Barovia.',
      fields: [
        { name: 'System', value: 'dnd5e' },
        { name: 'Language', value: 'en' },
        { name: 'NPCs (2)', value: 'Ireena Kolyana, The Narrator (GM helper)' },
        { name: 'Entities (3)', value: '2 location, 1 item' },
      ],
    });

    // The NPCs went in whole: a session of the campaign gets them.
    const t = inNewGuild();
    await runCommand(t, 'session', { subcommand: 'start', options: [{ name: 'channel', type: 7, value: snowflake() }], ...dm });
    const assignment = await node.next((m) => m.type === 'start_session' && m.guild_id === t.guildId);
    expect(assignment).toMatchObject({
      campaign_id: current!.id,
      npcs: [
        { name: 'Ireena Kolyana', aliases: ['Ireena'], voice: { provider: 'elevenlabs', voice_id: 'EXAVITQu4vr4xnSDxMaL', pitch: 2, speed: 1.1 }, gm_helper: false, muted: false },
        { name: 'The Narrator', voice: { provider: 'espeak', voice_id: 'en', pitch: 0, speed: 1 }, gm_helper: true },
      ],
    });
    await runCommand(t, 'session', { subcommand: 'stop', ...dm }).then((r) => editedReply(r.token));
  });

  it('load refuses a file with problems, listing each by its place, and creates nothing', async () => {
    const bad = `
name: Broken Campaign
language: english!
npcs:
  - name: Loud
    voice: { provider: elevenlabs, voice_id: x, pitch: 12 }
  - name: Silent
entities:
  - { name: Somewhere, type: planet }
`;
    const res = await runCommand(tenant, 'campaign', { subcommand: 'load', attachment: await uploadAttachment('bad.yaml', bad), ...dm });
    expect(await editedReply(res.token)).toBe(
      [
        'Campaign not loaded: the file has 1 problem. Fix it and load it again:',
        '• language must be a language code such as en or de-AT',
      ].join('\n'),
    );
    const fixedHeader = bad.replace('language: english!', 'language: en');
    const again = await runCommand(tenant, 'campaign', { subcommand: 'load', attachment: await uploadAttachment('bad.yaml', fixedHeader), ...dm });
    expect(await editedReply(again.token)).toBe(
      [
        'Campaign not loaded: the file has 3 problems. Fix them and load it again:',
        '• npcs #1 (Loud): voice.pitch must be from -10 to 10',
        '• npcs #2 (Silent): voice is missing',
        '• entities #1 (Somewhere): type must be one of npc, location, item, faction, quest, lore',
      ].join('\n'),
    );
    expect((await listCampaigns(db, tenant.id, { typed: 'Broken', limit: 5 })).length).toBe(0);
  });

  it('load refuses NPCs granting tools of tool servers the team lacks, naming the entry, and creates nothing', async () => {
    const file = 'name: Ghostly Tools\nnpcs:\n  - name: Medium\n    voice: { provider: espeak, voice_id: en }\n    tools: [roll_dice, ghost.*]\n';
    const res = await runCommand(tenant, 'campaign', { subcommand: 'load', attachment: await uploadAttachment('ghost.yaml', file), ...dm });
    expect(await editedReply(res.token)).toBe('Campaign not loaded: npcs #1 (Medium): tools.1: the team has no tool server "ghost"');
    expect((await listCampaigns(db, tenant.id, { typed: 'Ghostly', limit: 5 })).length).toBe(0);
  });

  it('load refuses a name the tenant already has, ignoring case', async () => {
    const res = await runCommand(tenant, 'campaign', { subcommand: 'load', attachment: await uploadAttachment('dup.yaml', 'name: CURSE OF STRAHD'), ...dm });
    expect(await editedReply(res.token)).toBe('You already have a campaign named **CURSE OF STRAHD**. Give the file another `name:`, or switch to that one with `/campaign switch`.');
  });

  it('switch autocompletes the tenant\'s own campaigns and persists the choice', async () => {
    await createCampaign(db, tenant.id, { campaign: { name: 'Tomb of Annihilation' }, npcs: [], entities: [] }, { makeCurrent: false });
    const complete = (t: DiscordTenant, typed: string) => runCommand(t, 'campaign', { type: 4, subcommand: 'switch', options: [nameOption(typed, true)] });
    expect((await complete(tenant, '')).body.data.choices.map((c: { name: string }) => c.name)).toEqual(['Curse of Strahd', 'Tomb of Annihilation']);
    expect((await complete(tenant, 'tomb')).body).toEqual({ type: 8, data: { choices: [{ name: 'Tomb of Annihilation', value: 'Tomb of Annihilation' }] } });
    expect((await complete(tenant, 'secret')).body.data.choices).toEqual([]);
    expect((await complete(other, 'tomb')).body.data.choices).toEqual([]);

    const res = await runCommand(tenant, 'campaign', { subcommand: 'switch', options: [nameOption('tomb of annihilation')], ...dm });
    expect(await editedReply(res.token)).toBe('**Tomb of Annihilation** is now your current campaign: sessions you start play it.');
    expect((await currentCampaign(db, tenant.id))?.name).toBe('Tomb of Annihilation');
    // Another tenant's campaign is not there to switch to.
    const foreign = await runCommand(tenant, 'campaign', { subcommand: 'switch', options: [nameOption('Their Secret Campaign')], ...dm });
    expect(await editedReply(foreign.token)).toBe('You have no campaign named **Their Secret Campaign**.');
    expect((await currentCampaign(db, other.id))?.name).toBe('Their Secret Campaign');
  });

  it('switch and load are refused a campaign change while a session runs', async () => {
    const t = inNewGuild();
    const start = await runCommand(t, 'session', { subcommand: 'start', options: [{ name: 'channel', type: 7, value: snowflake() }], ...dm });
    await node.next((m) => m.type === 'start_session' && m.guild_id === t.guildId);
    await editedReply(start.token);
    const res = await runCommand(tenant, 'campaign', { subcommand: 'switch', options: [nameOption('Curse of Strahd')], ...dm });
    expect(await editedReply(res.token)).toBe('A session is running, and it plays the current campaign. Stop it with `/session stop` before switching.');
    expect((await currentCampaign(db, tenant.id))?.name).toBe('Tomb of Annihilation');

    const load = await runCommand(tenant, 'campaign', { subcommand: 'load', attachment: await uploadAttachment('new.yaml', 'name: Out of the Abyss'), ...dm });
    expect(await editedReply(load.token)).toBe('Loaded **Out of the Abyss**: 0 NPCs, 0 entities. A session is running, so it is not current yet: `/campaign switch` to it once the session ends.');
    expect((await currentCampaign(db, tenant.id))?.name).toBe('Tomb of Annihilation');
    await runCommand(t, 'session', { subcommand: 'stop', ...dm }).then((r) => editedReply(r.token));
  });

  it('refuses switch and load to members without the DM role, but not info', async () => {
    for (const subcommand of ['switch', 'load']) {
      const res = await runCommand(tenant, 'campaign', { subcommand, options: [nameOption('Curse of Strahd')] });
      expect(res.body.data.content).toBe(`Only the DM can do that: it needs the <@&${DM_ROLE}> role, which you do not have.`);
    }
    expect((await runCommand(tenant, 'campaign', { subcommand: 'info' })).body).toEqual(DEFERRED_EPHEMERAL);
  });
});
