import { env } from 'cloudflare:workers';
import { auditLog, createDb } from '@glyphoxa/db';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, signIn, type Person, matrixPeople, WHO, type Who } from './helpers/web-api.ts';

const NPC = {
  name: 'Grimjaw',
  aliases: ['the blacksmith'],
  personality: 'Gruff, honest, hates goblins.',
  voice: { provider: 'elevenlabs', voice_id: 'v-123', pitch: -3, speed: 1.25 },
  engine: 'cascaded',
  budget_tier: 'standard',
  knowledge_scope: ['smithing', 'the mine'],
  secret_knowledge: 'He forged the cursed blade.',
  behavior_rules: ['Never reveals the secret before session 3'],
  gm_helper: false,
  muted_by_default: true,
  tools: ['roll_dice', 'lookup_rule'],
};


let owner: Person;
let tenant: string;
let people: Record<Who, string>;
/** Tenant B's owner, its campaign and NPC: tenant A's people must never find them. */
let other: { owner: Person; campaign: string; npc: string };

const newCampaign = async (token: string, t = tenant) => (await api(token, 'POST', `/tenants/${t}/campaigns`, { name: `Camp ${crypto.randomUUID().slice(0, 8)}` })).body.campaign.id as string;
const newNpc = async (token: string, campaign: string, t = tenant) =>
  (await api(token, 'POST', `/tenants/${t}/campaigns/${campaign}/npcs`, { ...NPC, name: `Npc ${crypto.randomUUID().slice(0, 8)}` })).body.npc.id as string;

beforeAll(async () => {
  owner = await signIn();
  tenant = owner.tenant;
  people = await matrixPeople(owner);
  const b = await signIn();
  const campaign = await newCampaign(b.token, b.tenant);
  other = { owner: b, campaign, npc: await newNpc(b.token, campaign, b.tenant) };
});

describe('campaigns and NPCs under /api/v1/tenants/:id', () => {
  it('creates, reads, replaces and deletes a campaign and an NPC with every field the schema holds', async () => {
    const created = await api(owner.token, 'POST', `/tenants/${tenant}/campaigns`, { name: 'Curse of Strahd', system: 'dnd5e', language: 'en', description: 'Gothic horror' });
    expect(created.status).toBe(201);
    const campaign = created.body.campaign;
    expect(campaign).toMatchObject({ tenant_id: tenant, name: 'Curse of Strahd', system: 'dnd5e', language: 'en', description: 'Gothic horror' });

    const npc = await api(owner.token, 'POST', `/tenants/${tenant}/campaigns/${campaign.id}/npcs`, NPC);
    expect(npc.status).toBe(201);
    expect(npc.body.npc).toMatchObject({ ...NPC, campaign_id: campaign.id });
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/npcs/${npc.body.npc.id}`)).body.npc).toEqual(npc.body.npc);
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/campaigns/${campaign.id}/npcs`)).body.npcs.map((n: any) => n.name)).toEqual(['Grimjaw']);

    // PUT replaces: fields left out take their defaults.
    const replaced = await api(owner.token, 'PUT', `/tenants/${tenant}/npcs/${npc.body.npc.id}`, { name: 'Grimjaw the Elder', voice: { provider: 'openai', voice_id: 'onyx' } });
    expect(replaced.status).toBe(200);
    expect(replaced.body.npc).toMatchObject({ name: 'Grimjaw the Elder', voice: { provider: 'openai', voice_id: 'onyx', pitch: 0, speed: 1 }, aliases: [], secret_knowledge: null, muted_by_default: false, budget_tier: 'fast', tools: [] });

    const renamed = await api(owner.token, 'PUT', `/tenants/${tenant}/campaigns/${campaign.id}`, { name: 'Curse of Strahd II' });
    expect(renamed.body.campaign).toMatchObject({ name: 'Curse of Strahd II', system: null });
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/campaigns?q=strahd`)).body.campaigns.map((c: any) => c.id)).toEqual([campaign.id]);

    expect((await api(owner.token, 'DELETE', `/tenants/${tenant}/npcs/${npc.body.npc.id}`)).body).toEqual({ deleted: true });
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/npcs/${npc.body.npc.id}`)).status).toBe(404);
    expect((await api(owner.token, 'DELETE', `/tenants/${tenant}/campaigns/${campaign.id}`)).status).toBe(200);
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/campaigns/${campaign.id}`)).body.error.code).toBe('campaign_not_found');

    const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    const rows = await db.select().from(auditLog).where(and(eq(auditLog.tenantId, tenant), eq(auditLog.target, npc.body.npc.id)));
    await close();
    expect(rows.map((r) => [r.actor, r.action])).toEqual([
      [`user:${owner.id}`, 'npc.create'],
      [`user:${owner.id}`, 'npc.update'],
      [`user:${owner.id}`, 'npc.delete'],
    ]);
  });

  it('refuses bad input naming the field: unknown fields, pitch and speed out of range, a taken name', async () => {
    const campaign = await newCampaign(owner.token);
    const npcs = `/tenants/${tenant}/campaigns/${campaign}/npcs`;
    const bad = async (body: unknown) => (await api(owner.token, 'POST', npcs, body)).body.error;
    expect(await bad({ ...NPC, mood: 'grim' })).toMatchObject({ code: 'invalid_request', field: 'mood' });
    expect(await bad({ ...NPC, voice: { ...NPC.voice, tone: 'deep' } })).toMatchObject({ field: 'voice.tone' });
    expect(await bad({ ...NPC, voice: { ...NPC.voice, pitch: 11 } })).toMatchObject({ field: 'voice.pitch', message: 'voice.pitch: must be from -10 to 10' });
    expect(await bad({ ...NPC, voice: { ...NPC.voice, speed: 0.4 } })).toMatchObject({ field: 'voice.speed' });
    expect(await bad({ ...NPC, budget_tier: 'huge' })).toMatchObject({ field: 'budget_tier' });
    expect(await bad({ ...NPC, tools: ['roll_dice', 'fireball'] })).toMatchObject({ field: 'tools.1' });
    expect(await bad({ ...NPC, tools: ['roll_dice', 'roll_dice'] })).toMatchObject({ field: 'tools', message: 'tools: must name each tool once' });
    expect((await api(owner.token, 'POST', npcs, NPC)).status).toBe(201);
    const twice = await api(owner.token, 'POST', npcs, NPC);
    expect(twice.status).toBe(409);
    expect(twice.body.error.field).toBe('name');
    const query = await api(owner.token, 'GET', `/tenants/${tenant}/campaigns?sort=name`);
    expect(query.body.error).toMatchObject({ code: 'invalid_request', field: 'sort' });
  });

  /** Each route and who may call it: owners and DMs write, every member reads. */
  const ROUTES: Record<string, { call: (token: string) => Promise<{ status: number }>; ok: number; allowed: Who[] }> = {
    'GET campaigns': { call: (t) => api(t, 'GET', `/tenants/${tenant}/campaigns`), ok: 200, allowed: ['tenant_owner', 'dm', 'viewer', 'operator'] },
    'POST campaigns': { call: (t) => api(t, 'POST', `/tenants/${tenant}/campaigns`, { name: `C ${crypto.randomUUID()}` }), ok: 201, allowed: ['tenant_owner', 'dm', 'operator'] },
    'GET campaign': { call: async (t) => api(t, 'GET', `/tenants/${tenant}/campaigns/${await newCampaign(owner.token)}`), ok: 200, allowed: ['tenant_owner', 'dm', 'viewer', 'operator'] },
    'PUT campaign': { call: async (t) => api(t, 'PUT', `/tenants/${tenant}/campaigns/${await newCampaign(owner.token)}`, { name: `R ${crypto.randomUUID()}` }), ok: 200, allowed: ['tenant_owner', 'dm', 'operator'] },
    'DELETE campaign': { call: async (t) => api(t, 'DELETE', `/tenants/${tenant}/campaigns/${await newCampaign(owner.token)}`), ok: 200, allowed: ['tenant_owner', 'dm', 'operator'] },
    'GET npcs': { call: async (t) => api(t, 'GET', `/tenants/${tenant}/campaigns/${await newCampaign(owner.token)}/npcs`), ok: 200, allowed: ['tenant_owner', 'dm', 'viewer', 'operator'] },
    'POST npcs': { call: async (t) => api(t, 'POST', `/tenants/${tenant}/campaigns/${await newCampaign(owner.token)}/npcs`, NPC), ok: 201, allowed: ['tenant_owner', 'dm', 'operator'] },
    'GET npc': { call: async (t) => api(t, 'GET', `/tenants/${tenant}/npcs/${await newNpc(owner.token, await newCampaign(owner.token))}`), ok: 200, allowed: ['tenant_owner', 'dm', 'viewer', 'operator'] },
    'PUT npc': { call: async (t) => api(t, 'PUT', `/tenants/${tenant}/npcs/${await newNpc(owner.token, await newCampaign(owner.token))}`, NPC), ok: 200, allowed: ['tenant_owner', 'dm', 'operator'] },
    'DELETE npc': { call: async (t) => api(t, 'DELETE', `/tenants/${tenant}/npcs/${await newNpc(owner.token, await newCampaign(owner.token))}`), ok: 200, allowed: ['tenant_owner', 'dm', 'operator'] },
  };

  for (const [route, { call, ok, allowed }] of Object.entries(ROUTES)) {
    it(`${route}: ${allowed.join(', ')} may; other members get 403, an outsider 404`, async () => {
      for (const who of WHO) {
        const { status } = await call(people[who]);
        expect([who, status]).toEqual([who, allowed.includes(who) ? ok : who === 'outsider' ? 404 : 403]);
      }
    });
  }

  it("tenant A's owner gets 404 for tenant B's campaign and NPC on every route, even naming their own tenant", async () => {
    const mine = await newCampaign(owner.token);
    const calls = [
      api(owner.token, 'GET', `/tenants/${tenant}/campaigns/${other.campaign}`),
      api(owner.token, 'PUT', `/tenants/${tenant}/campaigns/${other.campaign}`, { name: 'Stolen' }),
      api(owner.token, 'DELETE', `/tenants/${tenant}/campaigns/${other.campaign}`),
      api(owner.token, 'GET', `/tenants/${tenant}/campaigns/${other.campaign}/npcs`),
      api(owner.token, 'POST', `/tenants/${tenant}/campaigns/${other.campaign}/npcs`, NPC),
      api(owner.token, 'GET', `/tenants/${tenant}/npcs/${other.npc}`),
      api(owner.token, 'PUT', `/tenants/${tenant}/npcs/${other.npc}`, NPC),
      api(owner.token, 'DELETE', `/tenants/${tenant}/npcs/${other.npc}`),
      // And through B's own path: A is no member there.
      api(owner.token, 'GET', `/tenants/${other.owner.tenant}/campaigns`),
      api(owner.token, 'GET', `/tenants/${other.owner.tenant}/campaigns/${other.campaign}`),
      api(owner.token, 'PUT', `/tenants/${other.owner.tenant}/npcs/${other.npc}`, NPC),
      api(owner.token, 'DELETE', `/tenants/${other.owner.tenant}/npcs/${other.npc}`),
      api(owner.token, 'POST', `/tenants/${other.owner.tenant}/campaigns/${other.campaign}/npcs`, NPC),
    ];
    for (const res of await Promise.all(calls)) expect(res.status).toBe(404);
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/campaigns`)).body.campaigns.map((c: any) => c.id)).toContain(mine);
    // B's things are untouched.
    expect((await api(other.owner.token, 'GET', `/tenants/${other.owner.tenant}/npcs/${other.npc}`)).body.npc.name).toMatch(/^Npc /);
  });
});
