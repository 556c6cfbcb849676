import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { addRelationship, auditLog, createDb } from '@glyphoxa/db';
import { and, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import type { Bindings } from '../src/env.ts';
import { ADMIN_KEY } from './helpers/admin.ts';
import { eventually } from './helpers/eventually.ts';
import { api, signIn, type Person, matrixPeople, WHO, type Who } from './helpers/web-api.ts';
import { LLM_STAND_IN_BASE, LLM_STAND_IN_KEY } from './vendor-stand-ins.ts';


let owner: Person;
let tenant: string;
let people: Record<Who, string>;
/** Tenant B's campaign, entity, relationship and document: tenant A's people must never reach them. */
let other: { owner: Person; campaign: string; entity: string; relationship: string; document: string };

const newCampaign = async (token: string, t = tenant) => (await api(token, 'POST', `/tenants/${t}/campaigns`, { name: `Camp ${crypto.randomUUID().slice(0, 8)}` })).body.campaign.id as string;
const newEntity = async (token: string, campaign: string, name = `E ${crypto.randomUUID().slice(0, 8)}`, t = tenant) =>
  (await api(token, 'POST', `/tenants/${t}/campaigns/${campaign}/entities`, { name, type: 'npc' })).body.entity.id as string;
const newEdge = async (token: string, campaign: string, t = tenant) => {
  const [a, b] = [await newEntity(token, campaign, undefined, t), await newEntity(token, campaign, undefined, t)];
  return (await api(token, 'POST', `/tenants/${t}/campaigns/${campaign}/relationships`, { source_id: a, target_id: b, type: 'knows' })).body.relationship.id as string;
};
const newDocument = async (token: string, campaign: string, t = tenant) =>
  (await api(token, 'POST', `/tenants/${t}/campaigns/${campaign}/lore`, { title: `Doc ${crypto.randomUUID().slice(0, 8)}` })).body.document.id as string;

/** A proposal as a transcript leaves it (source transcript, unconfirmed), written straight to the database. */
async function proposal(campaign: string, sourceId: string, targetId: string, type: string) {
  const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  try {
    return (await addRelationship(db, tenant, campaign, { sourceId, targetId, type, source: 'transcript', confidence: 0.6 }))!.id;
  } finally {
    await close();
  }
}

beforeAll(async () => {
  owner = await signIn();
  tenant = owner.tenant;
  people = await matrixPeople(owner);
  const b = await signIn();
  const campaign = await newCampaign(b.token, b.tenant);
  other = {
    owner: b,
    campaign,
    entity: await newEntity(b.token, campaign, 'Secret Lair', b.tenant),
    relationship: await newEdge(b.token, campaign, b.tenant),
    document: await newDocument(b.token, campaign, b.tenant),
  };
});

describe('campaign knowledge under /api/v1/tenants/:id', () => {
  it('creates, lists, replaces and deletes entities; the audit trail names each change', async () => {
    const campaign = await newCampaign(owner.token);
    const entities = `/tenants/${tenant}/campaigns/${campaign}/entities`;
    const created = await api(owner.token, 'POST', entities, { name: ' Neverwinter ', type: 'Location', description: 'A city.', tags: ['city'], properties: { population: 23000 } });
    expect(created.status).toBe(201);
    const entity = created.body.entity;
    expect(entity).toMatchObject({ campaign_id: campaign, name: 'Neverwinter', type: 'location', description: 'A city.', tags: ['city'], properties: { population: 23000 } });
    await api(owner.token, 'POST', entities, { name: 'Gundren', type: 'npc' });

    expect((await api(owner.token, 'GET', `/tenants/${tenant}/entities/${entity.id}`)).body.entity).toEqual(entity);
    const listed = await api(owner.token, 'GET', `${entities}?type=location`);
    expect(listed.body).toMatchObject({ total: 1, entities: [{ name: 'Neverwinter' }] });
    expect((await api(owner.token, 'GET', `${entities}?limit=1&offset=1`)).body).toMatchObject({ total: 2, entities: [{ name: 'Neverwinter' }] });

    // PUT replaces: fields left out take their defaults.
    const replaced = await api(owner.token, 'PUT', `/tenants/${tenant}/entities/${entity.id}`, { name: 'Neverwinter City', type: 'location' });
    expect(replaced.body.entity).toMatchObject({ name: 'Neverwinter City', description: '', tags: [], properties: {} });
    const taken = await api(owner.token, 'PUT', `/tenants/${tenant}/entities/${entity.id}`, { name: 'GUNDREN', type: 'npc' });
    expect([taken.status, taken.body.error.field]).toEqual([409, 'name']);

    expect((await api(owner.token, 'DELETE', `/tenants/${tenant}/entities/${entity.id}`)).body).toEqual({ deleted: true });
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/entities/${entity.id}`)).body.error.code).toBe('entity_not_found');

    const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    const rows = await db.select().from(auditLog).where(and(eq(auditLog.tenantId, tenant), eq(auditLog.target, entity.id)));
    await close();
    expect(rows.map((r) => [r.actor, r.action])).toEqual([
      [`user:${owner.id}`, 'entity.create'],
      [`user:${owner.id}`, 'entity.update'],
      [`user:${owner.id}`, 'entity.delete'],
    ]);
  });

  it('refuses bad entity input naming the field', async () => {
    const campaign = await newCampaign(owner.token);
    const entities = `/tenants/${tenant}/campaigns/${campaign}/entities`;
    const bad = async (body: unknown) => (await api(owner.token, 'POST', entities, body)).body.error;
    expect(await bad({ name: 'X', type: 'dragon' })).toMatchObject({ code: 'invalid_request', field: 'type' });
    expect(await bad({ name: '', type: 'npc' })).toMatchObject({ field: 'name' });
    expect(await bad({ name: 'X', type: 'npc', colour: 'red' })).toMatchObject({ field: 'colour' });
    expect((await api(owner.token, 'POST', entities, { name: 'X', type: 'npc' })).status).toBe(201);
    const twice = await api(owner.token, 'POST', entities, { name: 'x', type: 'item' });
    expect([twice.status, twice.body.error.field]).toEqual([409, 'name']);
    expect((await api(owner.token, 'GET', `${entities}?type=dragon`)).body.error.field).toBe('type');
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/campaigns/${crypto.randomUUID()}/entities`)).body.error.code).toBe('campaign_not_found');
  });

  it('keeps relationships: the DM states facts, accepts or rejects proposals, and the neighbourhood walks them', async () => {
    const campaign = await newCampaign(owner.token);
    const [sildar, gundren, cragmaw, klarg] = [await newEntity(owner.token, campaign, 'Sildar'), await newEntity(owner.token, campaign, 'Gundren'), await newEntity(owner.token, campaign, 'Cragmaw'), await newEntity(owner.token, campaign, 'Klarg')];
    const relationships = `/tenants/${tenant}/campaigns/${campaign}/relationships`;
    const stated = await api(owner.token, 'POST', relationships, { source_id: sildar, target_id: gundren, type: 'ally_of', bidirectional: true });
    expect(stated.status).toBe(201);
    expect(stated.body.relationship).toMatchObject({ source_id: sildar, target_id: gundren, type: 'ally_of', bidirectional: true, source: 'dm', dm_confirmed: true, session_id: null });
    const twice = await api(owner.token, 'POST', relationships, { source_id: sildar, target_id: gundren, type: 'ally_of' });
    expect([twice.status, twice.body.error.field]).toEqual([409, 'type']);
    expect((await api(owner.token, 'POST', relationships, { source_id: sildar, target_id: sildar, type: 'is' })).body.error.field).toBe('target_id');
    // An end from another campaign (or another tenant) is no entity of this one.
    const elsewhere = await newEntity(owner.token, await newCampaign(owner.token));
    for (const end of [elsewhere, other.entity]) {
      const refused = await api(owner.token, 'POST', relationships, { source_id: sildar, target_id: end, type: 'knows' });
      expect([refused.status, refused.body.error.field]).toEqual([400, 'target_id']);
    }

    const captured = await proposal(campaign, gundren, cragmaw, 'captured_by');
    const leads = await proposal(campaign, cragmaw, klarg, 'led_by');
    const waiting = await api(owner.token, 'GET', `${relationships}?confirmed=false`);
    expect(waiting.body.relationships.map((r: any) => [r.type, r.source, r.dm_confirmed])).toEqual([
      ['captured_by', 'transcript', false],
      ['led_by', 'transcript', false],
    ]);

    // Only confirmed edges are walked for NPCs: Cragmaw is out of reach until the DM accepts.
    const walk = async (query: string) => (await api(owner.token, 'GET', `/tenants/${tenant}/entities/${sildar}/neighbourhood?${query}`)).body;
    expect((await walk('depth=3&confirmed_only=true')).entities.map((e: any) => [e.name, e.depth])).toEqual([['Sildar', 0], ['Gundren', 1]]);
    expect((await walk('depth=3')).entities.map((e: any) => [e.name, e.depth])).toEqual([['Sildar', 0], ['Gundren', 1], ['Cragmaw', 2], ['Klarg', 3]]);
    expect((await walk('depth=2')).relationships).toHaveLength(2);
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/entities/${sildar}/neighbourhood?depth=4`)).body.error).toMatchObject({ field: 'depth', message: 'depth: must be at most 3' });

    const accepted = await api(owner.token, 'POST', `/tenants/${tenant}/relationships/${captured}/accept`);
    expect(accepted.body.relationship).toMatchObject({ id: captured, dm_confirmed: true, source: 'transcript' });
    expect((await api(owner.token, 'POST', `/tenants/${tenant}/relationships/${captured}/accept`)).status).toBe(409);
    // Rejecting removes a proposal, never a confirmed fact.
    expect((await api(owner.token, 'POST', `/tenants/${tenant}/relationships/${captured}/reject`)).body.error.code).toBe('already_confirmed');
    expect((await api(owner.token, 'POST', `/tenants/${tenant}/relationships/${leads}/reject`)).body).toEqual({ deleted: true });
    expect((await walk('depth=3&confirmed_only=true')).entities.map((e: any) => e.name)).toEqual(['Sildar', 'Gundren', 'Cragmaw']);

    const changed = await api(owner.token, 'PATCH', `/tenants/${tenant}/relationships/${captured}`, { type: 'held_by', confidence: 0.9 });
    expect(changed.body.relationship).toMatchObject({ type: 'held_by', confidence: expect.closeTo(0.9, 5), dm_confirmed: true });
    expect((await api(owner.token, 'PATCH', `/tenants/${tenant}/relationships/${captured}`, { confidence: 2 })).body.error.field).toBe('confidence');
    expect((await api(owner.token, 'PATCH', `/tenants/${tenant}/relationships/${captured}`, { dm_confirmed: false })).body.error.field).toBe('dm_confirmed');
    expect((await api(owner.token, 'GET', `${relationships}?entity_id=${cragmaw}`)).body.relationships.map((r: any) => r.id)).toEqual([captured]);

    // Deleting an entity takes its edges along.
    await api(owner.token, 'DELETE', `/tenants/${tenant}/entities/${gundren}`);
    expect((await api(owner.token, 'GET', relationships)).body.relationships).toEqual([]);

    const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    const rows = await db.select().from(auditLog).where(and(eq(auditLog.tenantId, tenant), inArray(auditLog.target, [captured, leads])));
    await close();
    expect(rows.map((r) => r.action).sort()).toEqual(['relationship.accept', 'relationship.reject', 'relationship.update']);
  });

  it('keeps lore documents and finds words across entities and lore', async () => {
    const campaign = await newCampaign(owner.token);
    const lore = `/tenants/${tenant}/campaigns/${campaign}/lore`;
    const created = await api(owner.token, 'POST', lore, { title: 'The Spellforge', kind: 'lore', body: '# Wave Echo Cave\nThe **spellforge** burns blue.' });
    expect(created.status).toBe(201);
    const doc = created.body.document;
    expect(doc).toMatchObject({ campaign_id: campaign, title: 'The Spellforge', kind: 'lore' });
    await api(owner.token, 'POST', lore, { title: 'House rules', kind: 'rules', body: 'Crits explode.' });
    expect((await api(owner.token, 'GET', `${lore}?kind=rules`)).body.documents.map((d: any) => d.title)).toEqual(['House rules']);
    expect((await api(owner.token, 'POST', lore, { title: 'the spellforge' })).body.error).toMatchObject({ code: 'conflict', field: 'title' });
    expect((await api(owner.token, 'POST', lore, { title: 'Map', kind: 'poster' })).body.error.field).toBe('kind');
    expect((await api(owner.token, 'POST', lore, { title: 'Big', body: 'x'.repeat(200_001) })).body.error.field).toBe('body');

    await api(owner.token, 'POST', `/tenants/${tenant}/campaigns/${campaign}/entities`, { name: 'Nezznar', type: 'npc', description: 'Seeks the spellforge.' });
    const search = await api(owner.token, 'GET', `/tenants/${tenant}/campaigns/${campaign}/search?q=spellforge`);
    expect(search.body.hits.map((h: any) => [h.kind, h.title]).sort()).toEqual([['entity', 'Nezznar'], ['lore', 'The Spellforge']]);
    expect(search.body.hits[0].snippet).toContain('«');
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/campaigns/${campaign}/search?q=`)).body.error.field).toBe('q');

    const replaced = await api(owner.token, 'PUT', `/tenants/${tenant}/lore/${doc.id}`, { title: 'The Forge' });
    expect(replaced.body.document).toMatchObject({ title: 'The Forge', kind: 'lore', body: '' });
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/lore/${doc.id}`)).body.document).toEqual(replaced.body.document);
    expect((await api(owner.token, 'DELETE', `/tenants/${tenant}/lore/${doc.id}`)).body).toEqual({ deleted: true });
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/lore/${doc.id}`)).body.error.code).toBe('lore_document_not_found');
  });

  /** Each route and who may call it: owners and DMs write, every member reads. */
  const ROUTES: Record<string, { call: (token: string) => Promise<{ status: number }>; ok: number; allowed: Who[] }> = {
    'GET entities': { call: async (t) => api(t, 'GET', `/tenants/${tenant}/campaigns/${await newCampaign(owner.token)}/entities`), ok: 200, allowed: ['tenant_owner', 'dm', 'viewer', 'operator'] },
    'POST entities': { call: async (t) => api(t, 'POST', `/tenants/${tenant}/campaigns/${await newCampaign(owner.token)}/entities`, { name: 'A', type: 'npc' }), ok: 201, allowed: ['tenant_owner', 'dm', 'operator'] },
    'PUT entity': { call: async (t) => api(t, 'PUT', `/tenants/${tenant}/entities/${await newEntity(owner.token, await newCampaign(owner.token))}`, { name: 'B', type: 'item' }), ok: 200, allowed: ['tenant_owner', 'dm', 'operator'] },
    'DELETE entity': { call: async (t) => api(t, 'DELETE', `/tenants/${tenant}/entities/${await newEntity(owner.token, await newCampaign(owner.token))}`), ok: 200, allowed: ['tenant_owner', 'dm', 'operator'] },
    'GET neighbourhood': { call: async (t) => api(t, 'GET', `/tenants/${tenant}/entities/${await newEntity(owner.token, await newCampaign(owner.token))}/neighbourhood`), ok: 200, allowed: ['tenant_owner', 'dm', 'viewer', 'operator'] },
    'POST relationship accept': { call: async (t) => {
      const campaign = await newCampaign(owner.token);
      return api(t, 'POST', `/tenants/${tenant}/relationships/${await proposal(campaign, await newEntity(owner.token, campaign), await newEntity(owner.token, campaign), 'knows')}/accept`);
    }, ok: 200, allowed: ['tenant_owner', 'dm', 'operator'] },
    'DELETE relationship': { call: async (t) => api(t, 'DELETE', `/tenants/${tenant}/relationships/${await newEdge(owner.token, await newCampaign(owner.token))}`), ok: 200, allowed: ['tenant_owner', 'dm', 'operator'] },
    'GET search': { call: async (t) => api(t, 'GET', `/tenants/${tenant}/campaigns/${await newCampaign(owner.token)}/search?q=x`), ok: 200, allowed: ['tenant_owner', 'dm', 'viewer', 'operator'] },
    'POST lore': { call: async (t) => api(t, 'POST', `/tenants/${tenant}/campaigns/${await newCampaign(owner.token)}/lore`, { title: 'T' }), ok: 201, allowed: ['tenant_owner', 'dm', 'operator'] },
    'GET lore document': { call: async (t) => api(t, 'GET', `/tenants/${tenant}/lore/${await newDocument(owner.token, await newCampaign(owner.token))}`), ok: 200, allowed: ['tenant_owner', 'dm', 'viewer', 'operator'] },
  };

  for (const [route, { call, ok, allowed }] of Object.entries(ROUTES)) {
    it(`${route}: ${allowed.join(', ')} may; other members get 403, an outsider 404`, async () => {
      for (const who of WHO) {
        const { status } = await call(people[who]);
        expect([who, status]).toEqual([who, allowed.includes(who) ? ok : who === 'outsider' ? 404 : 403]);
      }
    });
  }

  it("tenant A's owner gets 404 for tenant B's knowledge on every route, even naming their own tenant", async () => {
    const calls = [
      api(owner.token, 'GET', `/tenants/${tenant}/campaigns/${other.campaign}/entities`),
      api(owner.token, 'POST', `/tenants/${tenant}/campaigns/${other.campaign}/entities`, { name: 'Spy', type: 'npc' }),
      api(owner.token, 'GET', `/tenants/${tenant}/entities/${other.entity}`),
      api(owner.token, 'PUT', `/tenants/${tenant}/entities/${other.entity}`, { name: 'Stolen', type: 'npc' }),
      api(owner.token, 'DELETE', `/tenants/${tenant}/entities/${other.entity}`),
      api(owner.token, 'GET', `/tenants/${tenant}/entities/${other.entity}/neighbourhood`),
      api(owner.token, 'GET', `/tenants/${tenant}/campaigns/${other.campaign}/relationships`),
      api(owner.token, 'PATCH', `/tenants/${tenant}/relationships/${other.relationship}`, { type: 'stolen' }),
      api(owner.token, 'POST', `/tenants/${tenant}/relationships/${other.relationship}/reject`),
      api(owner.token, 'DELETE', `/tenants/${tenant}/relationships/${other.relationship}`),
      api(owner.token, 'GET', `/tenants/${tenant}/campaigns/${other.campaign}/search?q=lair`),
      api(owner.token, 'GET', `/tenants/${tenant}/campaigns/${other.campaign}/lore`),
      api(owner.token, 'GET', `/tenants/${tenant}/lore/${other.document}`),
      api(owner.token, 'PUT', `/tenants/${tenant}/lore/${other.document}`, { title: 'Stolen' }),
      api(owner.token, 'DELETE', `/tenants/${tenant}/lore/${other.document}`),
      // And through B's own path: A is no member there.
      api(owner.token, 'GET', `/tenants/${other.owner.tenant}/entities/${other.entity}`),
      api(owner.token, 'DELETE', `/tenants/${other.owner.tenant}/relationships/${other.relationship}`),
    ];
    for (const res of await Promise.all(calls)) expect(res.status).toBe(404);
    const b = other.owner;
    expect((await api(b.token, 'GET', `/tenants/${b.tenant}/entities/${other.entity}`)).body.entity.name).toBe('Secret Lair');
    expect((await api(b.token, 'GET', `/tenants/${b.tenant}/campaigns/${other.campaign}/relationships`)).body.relationships.map((r: any) => r.id)).toEqual([other.relationship]);
    expect((await api(b.token, 'GET', `/tenants/${b.tenant}/lore/${other.document}`)).body.document.title).toMatch(/^Doc /);
  });
});

describe('campaign memory: similarity search over lore and transcript passages', () => {
  it('remembers a lore document through the tenant\'s embeddings provider and finds its passages; without a provider it says so', async () => {
    const campaign = await newCampaign(owner.token);
    const memory = `/tenants/${tenant}/campaigns/${campaign}/memory`;
    const none = await api(owner.token, 'GET', `${memory}?q=forge`);
    expect([none.status, none.body.error.code]).toEqual([409, 'no_embeddings_provider']);

    const put = await api(ADMIN_KEY, 'PUT', `/tenants/${tenant}/providers/embeddings`, { kind: 'openai', base_url: LLM_STAND_IN_BASE, model: 'text-embedding-3-small', api_key: LLM_STAND_IN_KEY });
    expect(put.status).toBe(200);
    const doc = (await api(owner.token, 'POST', `/tenants/${tenant}/campaigns/${campaign}/lore`, { title: 'The Forge of Spells', body: 'Its green flame enchants what is forged in it.' })).body.document;
    const hits = await eventually('the document remembered', async () => {
      const found = (await api(owner.token, 'GET', `${memory}?q=green%20flame&limit=5`)).body.hits;
      return found?.length > 0 && found;
      // The first embedding loads the provider's SDK: on a busy machine that alone takes seconds.
    }, { timeoutMs: 20_000, everyMs: 200 });
    expect(hits[0]).toMatchObject({ source: 'lore', lore_document_id: doc.id, session_id: null, content: expect.stringContaining('green flame') });
    expect(typeof hits[0].distance).toBe('number');
    // Another tenant's owner finds nothing of it.
    expect((await api(other.owner.token, 'GET', `/tenants/${tenant}/campaigns/${campaign}/memory?q=flame`)).status).toBe(404);
    await api(ADMIN_KEY, 'DELETE', `/tenants/${tenant}/providers/embeddings`);
  });
});

/**
 * GET `path` under /api/v1 with the suite's bindings, counting what the call took from them:
 * a Postgres client per connection string handed out (middleware/request-context.ts opens one
 * a request with it) and a token verification per read of the public keys (auth/access-token.ts).
 */
async function counted(token: string, path: string) {
  const taken = { clients: 0, verifications: 0 };
  const bindings: Bindings = { ...env, HYPERDRIVE: { get connectionString() { return taken.clients++, env.HYPERDRIVE.connectionString; } } as Hyperdrive };
  Object.defineProperty(bindings, 'ACCESS_TOKEN_PUBLIC_KEYS', { get: () => (taken.verifications++, env.ACCESS_TOKEN_PUBLIC_KEYS) });
  const ctx = createExecutionContext();
  const res = await createApp().fetch(new Request(`http://edge.test/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } }), bindings, ctx);
  await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return { status: res.status, ...taken };
}

describe('campaign knowledge under /api/v1/campaigns/:campaignId (the tenant found from the campaign)', () => {
  it('serves entities, relationships, the neighbourhood, search and lore as the nested routes do', async () => {
    const campaign = await newCampaign(owner.token);
    const at = `/campaigns/${campaign}`;
    const created = await api(owner.token, 'POST', `${at}/entities`, { name: 'Phandalin', type: 'location' });
    expect(created.status).toBe(201);
    const town = created.body.entity;
    expect(town).toMatchObject({ campaign_id: campaign, name: 'Phandalin' });
    const sildar = (await api(owner.token, 'POST', `${at}/entities`, { name: 'Sildar', type: 'npc' })).body.entity;
    expect((await api(owner.token, 'GET', `${at}/entities`)).body).toEqual((await api(owner.token, 'GET', `/tenants/${tenant}/campaigns/${campaign}/entities`)).body);
    expect((await api(owner.token, 'GET', `${at}/entities/${town.id}`)).body.entity).toEqual(town);

    const edge = await api(owner.token, 'POST', `${at}/relationships`, { source_id: sildar.id, target_id: town.id, type: 'guards' });
    expect(edge.status).toBe(201);
    expect((await api(owner.token, 'GET', `${at}/relationships`)).body.relationships.map((r: any) => r.id)).toEqual([edge.body.relationship.id]);
    const around = await api(owner.token, 'GET', `${at}/entities/${sildar.id}/neighbourhood?depth=1`);
    expect(around.status).toBe(200);
    expect(around.body).toEqual((await api(owner.token, 'GET', `/tenants/${tenant}/entities/${sildar.id}/neighbourhood?depth=1`)).body);
    expect(JSON.stringify(around.body)).toContain(town.id);

    const hits = await api(owner.token, 'GET', `${at}/search?q=Phandalin`);
    expect(hits.status).toBe(200);
    expect(hits.body.hits).toContainEqual(expect.objectContaining({ kind: 'entity', title: 'Phandalin' }));

    // Roles as on the nested route: a viewer reads, but may not write.
    const write = (path: string) => api(people.viewer, 'POST', path, { name: 'Cragmaw', type: 'location' });
    expect([(await write(`${at}/entities`)).status, (await write(`/tenants/${tenant}/campaigns/${campaign}/entities`)).status]).toEqual([403, 403]);
    expect((await api(people.viewer, 'GET', `${at}/entities`)).status).toBe(200);
  });

  it("answers 404 for tenant B's campaign to tenant A's user and API key, as for one that does not exist", async () => {
    const key = (await api(owner.token, 'POST', `/tenants/${tenant}/keys`, { name: 'unnested', scopes: ['read', 'write'] })).body.api_key.key as string;
    const mine = await newCampaign(owner.token);
    expect((await api(key, 'GET', `/campaigns/${mine}/entities`)).status).toBe(200);
    const missing = await api(owner.token, 'GET', `/campaigns/${crypto.randomUUID()}/entities`);
    expect([missing.status, missing.body.error.code]).toEqual([404, 'campaign_not_found']);
    for (const token of [owner.token, key]) {
      for (const [method, path] of [
        ['GET', `/campaigns/${other.campaign}/entities`],
        ['POST', `/campaigns/${other.campaign}/entities`],
        ['GET', `/campaigns/${other.campaign}/entities/${other.entity}/neighbourhood`],
        ['DELETE', `/campaigns/${other.campaign}/relationships/${other.relationship}`],
        ['GET', `/campaigns/${other.campaign}/export`],
      ] as const) {
        const res = await api(token, method, path, method === 'POST' ? { name: 'Intruder', type: 'npc' } : undefined);
        expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 404, 'campaign_not_found']);
      }
    }
    // Tenant B's own owner and the operator reach it; another campaign's entity under this campaign's path is not found.
    expect((await api(other.owner.token, 'GET', `/campaigns/${other.campaign}/entities`)).body.total).toBe(3);
    expect((await api(people.operator, 'GET', `/campaigns/${other.campaign}/entities`)).body.total).toBe(3);
    const elsewhere = await api(owner.token, 'GET', `/campaigns/${mine}/entities/${await newEntity(owner.token, await newCampaign(owner.token))}`);
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([404, 'entity_not_found']);
  });

  it('verifies the caller once and opens one database client a call, as the nested route does', async () => {
    const campaign = await newCampaign(owner.token);
    const entity = await newEntity(owner.token, campaign);
    const key = (await api(owner.token, 'POST', `/tenants/${tenant}/keys`, { name: 'one-client', scopes: ['read'] })).body.api_key.key as string;
    for (const token of [owner.token, key]) {
      for (const [unnested, nested] of [
        [`/campaigns/${campaign}/entities`, `/tenants/${tenant}/campaigns/${campaign}/entities`],
        [`/campaigns/${campaign}/entities/${entity}/neighbourhood`, `/tenants/${tenant}/entities/${entity}/neighbourhood`],
        [`/campaigns/${campaign}/export`, `/tenants/${tenant}/campaigns/${campaign}/export`],
      ]) {
        // An access token is verified with the public keys; a key is looked up in the database, on that one client.
        const once = { status: 200, clients: 1, verifications: token === key ? 0 : 1 };
        expect([unnested, await counted(token, unnested!)]).toEqual([unnested, once]);
        expect([nested, await counted(token, nested!)]).toEqual([nested, once]);
      }
    }
  });
});
