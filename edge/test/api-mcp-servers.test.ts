import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { auditLog, createDb, mcpServers, withTenant } from '@glyphoxa/db';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import type { Bindings } from '../src/env.ts';
import { api, memberOf, signIn, type Person } from './helpers/web-api.ts';
import { LORE_TOKEN, toolServerUrl } from './tool-server-stand-in.ts';

let owner: Person;
let tenant: string;
const lore = { url: toolServerUrl('lore'), headers: { Authorization: `Bearer ${LORE_TOKEN}`, 'X-Campaign': 'phandelver' }, allowed_tools: ['search'], timeout_ms: 2000 };

beforeAll(async () => {
  owner = await signIn();
  tenant = owner.tenant;
});

describe("/api/v1/tenants/:id/mcp-servers, the tenant's own tool servers", () => {
  it('lets an owner add, list, edit and remove one; header values are sealed, never shown, and the audit names the user', async () => {
    expect((await api(owner.token, 'GET', `/tenants/${tenant}/mcp-servers`)).body).toEqual({ mcp_servers: [] });
    const put = await api(owner.token, 'PUT', `/tenants/${tenant}/mcp-servers/lorekeeper`, lore);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.mcp_server).toMatchObject({ name: 'lorekeeper', url: lore.url, headers: { authorization: null, 'x-campaign': null }, allowed_tools: ['search'], timeout_ms: 2000 });

    const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    try {
      const [row] = await withTenant(db, tenant, (tx) => tx.select().from(mcpServers).where(eq(mcpServers.tenantId, tenant)));
      expect(Object.keys(row!.headersEnc).sort()).toEqual(['authorization', 'x-campaign']);
      expect(JSON.stringify(row)).not.toContain(LORE_TOKEN);
      expect(JSON.stringify(row)).not.toContain('phandelver');

      // null keeps a stored value; a header left out is removed; defaults fill what is not said.
      const edited = await api(owner.token, 'PUT', `/tenants/${tenant}/mcp-servers/lorekeeper`, { url: lore.url, headers: { authorization: null }, allowed_tools: ['search', 'dump'] });
      expect(edited.body.mcp_server).toMatchObject({ headers: { authorization: null }, allowed_tools: ['search', 'dump'], timeout_ms: 3000 });
      const [kept] = await withTenant(db, tenant, (tx) => tx.select().from(mcpServers).where(eq(mcpServers.tenantId, tenant)));
      expect(kept!.headersEnc.authorization).toBe(row!.headersEnc.authorization);

      const listed = await api(owner.token, 'GET', `/tenants/${tenant}/mcp-servers`);
      expect(listed.body.mcp_servers.map((s: { name: string }) => s.name)).toEqual(['lorekeeper']);
      expect(JSON.stringify(listed.body)).not.toContain(LORE_TOKEN);

      expect((await api(owner.token, 'DELETE', `/tenants/${tenant}/mcp-servers/lorekeeper`)).body).toEqual({ deleted: 'lorekeeper' });
      expect((await api(owner.token, 'DELETE', `/tenants/${tenant}/mcp-servers/lorekeeper`)).body.error.code).toBe('mcp_server_not_found');

      const trail = await withTenant(db, tenant, (tx) => tx.select().from(auditLog).where(and(eq(auditLog.tenantId, tenant), eq(auditLog.target, `${tenant}/mcp-servers/lorekeeper`))).orderBy(auditLog.id));
      expect(trail.map((r) => [r.actor, r.action])).toEqual([
        [`user:${owner.id}`, 'mcp_server.put'],
        [`user:${owner.id}`, 'mcp_server.put'],
        [`user:${owner.id}`, 'mcp_server.delete'],
      ]);
      expect(trail[0]!.detail).toEqual({ fields: ['url', 'headers', 'allowed_tools', 'timeout_ms'], headers_set: ['authorization', 'x-campaign'] });
      expect(JSON.stringify(trail)).not.toContain(LORE_TOKEN);
    } finally {
      await close();
    }
  });

  it('a null header with nothing stored, and bad bodies, are refused naming the field', async () => {
    const keepNothing = await api(owner.token, 'PUT', `/tenants/${tenant}/mcp-servers/fresh`, { url: lore.url, headers: { authorization: null } });
    expect(keepNothing.status).toBe(422);
    expect(keepNothing.body.error.field).toBe('headers.authorization');
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['lore', { url: 'ftp://files.test/mcp' }, 'url'],
      ['lore', { url: 'not a url' }, 'url'],
      ['lore', { url: 'https://dm:hunter2@lore.example.com/mcp' }, 'url'],
      ['lore', { url: lore.url, timeout_ms: 50 }, 'timeout_ms'],
      ['lore', { url: lore.url, timeout_ms: 60_000 }, 'timeout_ms'],
      ['lore', { url: lore.url, allowed_tools: ['search', 'search'] }, 'allowed_tools'],
      ['lore', { url: lore.url, allowed_tools: ['rm -rf'] }, 'allowed_tools.0'],
      ['lore', { url: lore.url, headers: { Host: 'evil.test' } }, 'headers.Host'],
      ['lore', { url: lore.url, headers: { 'x-a': 'one\r\nx-b: two' } }, 'headers.x-a'],
      ['lore', { url: lore.url, colour: 'red' }, 'colour'],
    ];
    for (const [name, body, field] of cases) {
      const res = await api(owner.token, 'PUT', `/tenants/${tenant}/mcp-servers/${name}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field, JSON.stringify(body)).toBe(field);
    }
    const badName = await api(owner.token, 'PUT', `/tenants/${tenant}/mcp-servers/Lore.Keeper`, { url: lore.url });
    expect(badName.status).toBe(400);
    expect(badName.body.error.field).toBe('name');
  });

  it('lets every member list, only owners change or test, and hides another tenant as missing', async () => {
    await api(owner.token, 'PUT', `/tenants/${tenant}/mcp-servers/lorekeeper`, lore);
    for (const role of ['dm', 'viewer'] as const) {
      const member = await memberOf(tenant, role);
      const listed = await api(member.token, 'GET', `/tenants/${tenant}/mcp-servers`);
      expect(listed.body.mcp_servers.map((s: { name: string }) => s.name), role).toEqual(['lorekeeper']);
      expect((await api(member.token, 'PUT', `/tenants/${tenant}/mcp-servers/lorekeeper`, lore)).status, role).toBe(403);
      expect((await api(member.token, 'DELETE', `/tenants/${tenant}/mcp-servers/lorekeeper`)).status, role).toBe(403);
      expect((await api(member.token, 'POST', `/tenants/${tenant}/mcp-servers/lorekeeper/tools`)).status, role).toBe(403);
    }
    const outsider = await signIn();
    expect((await api(outsider.token, 'GET', `/tenants/${tenant}/mcp-servers`)).status).toBe(404);
    expect((await api(outsider.token, 'PUT', `/tenants/${tenant}/mcp-servers/lorekeeper`, lore)).status).toBe(404);
    expect((await api(outsider.token, 'POST', `/tenants/${tenant}/mcp-servers/lorekeeper/tools`)).status).toBe(404);
    // Their own tenant has none: A's server is not theirs to see.
    expect((await api(outsider.token, 'GET', `/tenants/${outsider.tenant}/mcp-servers`)).body).toEqual({ mcp_servers: [] });
  });

  it('lists every tool a server offers, marking the allowed ones, or says why it cannot', async () => {
    await api(owner.token, 'PUT', `/tenants/${tenant}/mcp-servers/lorekeeper`, lore);
    const listed = await api(owner.token, 'POST', `/tenants/${tenant}/mcp-servers/lorekeeper/tools`);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.tools.map((t: { name: string; allowed: boolean }) => [t.name, t.allowed])).toEqual([
      ['search', true],
      ['dump', false],
      ['wipe_archive', false],
      ['sealed_vault', false],
    ]);
    // Without its key the server refuses; the DM is told what it answered.
    await api(owner.token, 'PUT', `/tenants/${tenant}/mcp-servers/keyless`, { url: lore.url });
    const refused = await api(owner.token, 'POST', `/tenants/${tenant}/mcp-servers/keyless/tools`);
    expect(refused).toMatchObject({ status: 502, body: { error: { code: 'mcp_server_failed', message: 'keyless answered HTTP 401' } } });
    expect((await api(owner.token, 'POST', `/tenants/${tenant}/mcp-servers/nothere/tools`)).status).toBe(404);
  });
});

describe("NPCs' tools of the team's tool servers", () => {
  const npc = (tools: string[]) => ({ name: `Npc ${crypto.randomUUID().slice(0, 8)}`, voice: { provider: 'espeak', voice_id: 'en' }, tools });

  it('an NPC may name only servers the team has, and only tools a server allows; the refusal names the entry and writes nothing', async () => {
    const dm = await signIn();
    const t = dm.tenant;
    await api(dm.token, 'PUT', `/tenants/${t}/mcp-servers/lorekeeper`, { url: lore.url, allowed_tools: ['search', 'dump'] });
    await api(dm.token, 'PUT', `/tenants/${t}/mcp-servers/open`, { url: lore.url });
    const campaign = (await api(dm.token, 'POST', `/tenants/${t}/campaigns`, { name: 'Tools' })).body.campaign.id;
    const npcs = `/tenants/${t}/campaigns/${campaign}/npcs`;

    const refused = [
      [['roll_dice', 'ghost.*'], 'tools.1', 'tools.1: the team has no tool server "ghost"'],
      [['lorekeeper.search', 'ghost.search'], 'tools.1', 'tools.1: the team has no tool server "ghost"'],
      [['lorekeeper.sealed_vault'], 'tools.0', 'tools.0: tool server "lorekeeper" does not allow "sealed_vault" (it allows search, dump)'],
    ] as const;
    for (const [tools, field, message] of refused) {
      const res = await api(dm.token, 'POST', npcs, npc([...tools]));
      expect(res, JSON.stringify(tools)).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', field, message } } });
    }
    expect((await api(dm.token, 'GET', npcs)).body.npcs).toEqual([]);

    // A server listing no allowed tools may be named by tool: the DM allows them there.
    const made = await api(dm.token, 'POST', npcs, npc(['roll_dice', 'lorekeeper.search', 'lorekeeper.*', 'open.anything']));
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const id = made.body.npc.id;
    const edit = await api(dm.token, 'PUT', `/tenants/${t}/npcs/${id}`, { ...npc(['lorekeeper.dump', 'ghost.*']), name: made.body.npc.name });
    expect(edit).toMatchObject({ status: 400, body: { error: { field: 'tools.1' } } });
    expect((await api(dm.token, 'GET', `/tenants/${t}/npcs/${id}`)).body.npc.tools).toEqual(['roll_dice', 'lorekeeper.search', 'lorekeeper.*', 'open.anything']);
  });

  it("a server deleted or narrowed leaves its NPCs' entries in place, and the NPC still saves with them", async () => {
    const dm = await signIn();
    const t = dm.tenant;
    await api(dm.token, 'PUT', `/tenants/${t}/mcp-servers/lorekeeper`, { url: lore.url, allowed_tools: ['search', 'dump'] });
    await api(dm.token, 'PUT', `/tenants/${t}/mcp-servers/bestiary`, { url: lore.url });
    const campaign = (await api(dm.token, 'POST', `/tenants/${t}/campaigns`, { name: 'Tools' })).body.campaign.id;
    const body = npc(['lorekeeper.dump', 'bestiary.*']);
    const id = (await api(dm.token, 'POST', `/tenants/${t}/campaigns/${campaign}/npcs`, body)).body.npc.id;

    await api(dm.token, 'PUT', `/tenants/${t}/mcp-servers/lorekeeper`, { url: lore.url, allowed_tools: ['search'] });
    await api(dm.token, 'DELETE', `/tenants/${t}/mcp-servers/bestiary`);
    expect((await api(dm.token, 'GET', `/tenants/${t}/npcs/${id}`)).body.npc.tools).toEqual(['lorekeeper.dump', 'bestiary.*']);
    const saved = await api(dm.token, 'PUT', `/tenants/${t}/npcs/${id}`, { ...body, personality: 'Curt.' });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.npc).toMatchObject({ personality: 'Curt.', tools: ['lorekeeper.dump', 'bestiary.*'] });
    // Kept entries pass; a new one is checked.
    const added = await api(dm.token, 'PUT', `/tenants/${t}/npcs/${id}`, { ...body, tools: ['bestiary.*', 'bestiary.claws'] });
    expect(added.body.error).toMatchObject({ field: 'tools.1', message: 'tools.1: the team has no tool server "bestiary"' });
  });
});

/** The Worker as deployed: without MCP_ALLOW_PRIVATE_URLS (the suite's Worker has it on for its local stand-ins). */
const PRODUCTION: Bindings = { ...env, MCP_ALLOW_PRIVATE_URLS: undefined };

async function putInProduction(token: string, path: string, body: unknown) {
  const ctx = createExecutionContext();
  const res = await createApp().fetch(
    new Request(`http://edge.test/api/v1${path}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    PRODUCTION,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as any };
}

describe('tool server addresses in production configuration', () => {
  it.each([
    ['http://lore.example.com/mcp', 'Tool servers are reached over https only'],
    ['https://127.0.0.1/mcp', '127.0.0.1 is a loopback address'],
    ['https://localhost:8787/mcp', 'localhost is a loopback address'],
    ['https://[::1]/mcp', '[::1] is a loopback address'],
    ['https://169.254.169.254/latest/meta-data', '169.254.169.254 is a link-local address'],
    ['https://0x7f.1/mcp', '127.0.0.1 is a loopback address'],
    ['https://intranet.example.com/mcp', 'intranet.example.com resolves to 10.0.0.7, a private address'],
    ['https://metadata.example.com/mcp', 'metadata.example.com resolves to fe80::a9fe:a9fe, a link-local address'],
    ['https://nowhere.example.com/mcp', 'nowhere.example.com does not resolve to an address'],
  ])('refuses %s', async (url, message) => {
    const res = await putInProduction(owner.token, `/tenants/${tenant}/mcp-servers/ssrf`, { url });
    expect(res).toEqual({ status: 422, body: { error: { code: 'url_refused', message: expect.stringContaining(message), field: 'url' } } });
  });

  it('takes a public https server', async () => {
    const res = await putInProduction(owner.token, `/tenants/${tenant}/mcp-servers/public`, { url: 'https://lore.example.com/mcp' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});
