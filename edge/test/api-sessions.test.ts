import { env } from 'cloudflare:workers';
import { appendSessionEntries, createDb } from '@glyphoxa/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, admin, snowflake } from './helpers/admin.ts';
import { startActiveSession, TestNode } from './helpers/test-node.ts';
import { api, endedSession, memberOf, signIn, type Person } from './helpers/web-api.ts';

let owner: Person;
let tenant: string;
let dm: Person;
let viewer: Person;
let outsider: Person;
let b: Person;
let campaigns: [string, string];
/** Tenant A's ended sessions, newest first, and tenant B's one. */
let history: string[];
let bSession: string;

const ids = (body: any) => body.sessions.map((s: { id: string }) => s.id);

beforeAll(async () => {
  owner = await signIn();
  tenant = owner.tenant;
  [dm, viewer, outsider, b] = await Promise.all([memberOf(tenant, 'dm'), memberOf(tenant, 'viewer'), signIn(), signIn()]);
  const campaign = async (name: string) => (await api(owner.token, 'POST', `/tenants/${tenant}/campaigns`, { name })).body.campaign.id as string;
  campaigns = [await campaign('Phandelver'), await campaign('Strahd')];
  // Oldest last: 3 days, 2 days, 1 day and 1 hour ago.
  history = [
    await endedSession(tenant, campaigns[1], 60),
    await endedSession(tenant, campaigns[0], 24 * 60),
    await endedSession(tenant, campaigns[1], 2 * 24 * 60),
    await endedSession(tenant, campaigns[0], 3 * 24 * 60),
  ];
  bSession = await endedSession(b.tenant, null, 10);
  const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  const spokenAt = (s: number) => new Date(Date.UTC(2026, 0, 1, 18, 0, s));
  await appendSessionEntries(
    db,
    tenant,
    ['Hello', 'Who goes there?', 'A friend', 'Prove it', 'I bring ale'].map((text, i) => ({
      sessionId: history[0]!,
      campaignId: campaigns[1],
      speakerId: i % 2 ? 'npc-grimjaw' : '100000000000000001',
      speakerName: i % 2 ? 'Grimjaw' : 'Ayla',
      npc: i % 2 === 1,
      text,
      spokenAt: spokenAt(i),
    })),
  );
  await close();
});

describe('sessions under /api/v1/tenants/:id', () => {
  it('lists history newest first, filtered by campaign, state and date, paged by next_before', async () => {
    const all = await api(viewer.token, 'GET', `/tenants/${tenant}/sessions`);
    expect(all.status).toBe(200);
    expect(ids(all.body)).toEqual(history);
    expect(ids((await api(viewer.token, 'GET', `/tenants/${tenant}/sessions?campaign_id=${campaigns[0]}`)).body)).toEqual([history[1], history[3]]);
    expect(ids((await api(viewer.token, 'GET', `/tenants/${tenant}/sessions?state=active`)).body)).toEqual([]);
    const from = new Date(Date.now() - 36 * 3600_000).toISOString();
    const to = new Date(Date.now() - 2 * 3600_000).toISOString();
    expect(ids((await api(viewer.token, 'GET', `/tenants/${tenant}/sessions?from=${from}&to=${to}`)).body)).toEqual([history[1]]);

    const first = await api(viewer.token, 'GET', `/tenants/${tenant}/sessions?limit=3`);
    expect(ids(first.body)).toEqual(history.slice(0, 3));
    expect(first.body.next_before).toBe(history[2]);
    const second = await api(viewer.token, 'GET', `/tenants/${tenant}/sessions?limit=3&before=${first.body.next_before}`);
    expect(second.body).toMatchObject({ next_before: null });
    expect(ids(second.body)).toEqual([history[3]]);
  });

  it('refuses a bad query naming the field', async () => {
    const bad = async (query: string) => (await api(viewer.token, 'GET', `/tenants/${tenant}/sessions?${query}`)).body.error;
    expect(await bad('sort=new')).toMatchObject({ code: 'invalid_request', field: 'sort' });
    expect(await bad('from=yesterday')).toMatchObject({ field: 'from', message: expect.stringContaining('ISO 8601') });
    expect(await bad('state=paused')).toMatchObject({ field: 'state' });
    expect(await bad('limit=0')).toMatchObject({ field: 'limit' });
    expect(await bad('campaign_id=42')).toMatchObject({ field: 'campaign_id' });
  });

  it("shows a session and its transcript in spoken order, paged by next_after, to every member", async () => {
    const detail = await api(viewer.token, 'GET', `/tenants/${tenant}/sessions/${history[0]}`);
    expect(detail.body.session).toMatchObject({ id: history[0], tenant_id: tenant, campaign_id: campaigns[1], state: 'ended', end_reason: 'stopped' });
    const first = await api(viewer.token, 'GET', `/tenants/${tenant}/sessions/${history[0]}/transcript?limit=2`);
    expect(first.body.lines.map((l: any) => [l.speaker_name, l.npc, l.text])).toEqual([
      ['Ayla', false, 'Hello'],
      ['Grimjaw', true, 'Who goes there?'],
    ]);
    const rest = await api(viewer.token, 'GET', `/tenants/${tenant}/sessions/${history[0]}/transcript?after=${first.body.next_after}`);
    expect(rest.body.lines.map((l: any) => l.text)).toEqual(['A friend', 'Prove it', 'I bring ale']);
    expect(rest.body.next_after).toBeNull();
    expect((await api(outsider.token, 'GET', `/tenants/${tenant}/sessions/${history[0]}/transcript`)).status).toBe(404);
  });

  it("gives every member a session's recap, from its transcript's key lines without an LLM, kept once written; none for a session with nothing said", async () => {
    const res = await api(viewer.token, 'POST', `/tenants/${tenant}/sessions/${history[0]}/recap`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.recap).toMatchObject({ session_id: history[0], campaign_name: 'Strahd', source: 'extractive', llm_failed: false });
    const said = ['Ayla: Hello', 'Grimjaw: Who goes there?', 'Ayla: A friend', 'Grimjaw: Prove it', 'Ayla: I bring ale'];
    const lines = res.body.recap.text.split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(said).toContain(line);
    // Asked again, the kept recap comes back as it was.
    expect((await api(dm.token, 'POST', `/tenants/${tenant}/sessions/${history[0]}/recap`)).body.recap).toEqual(res.body.recap);
    const silent = await api(owner.token, 'POST', `/tenants/${tenant}/sessions/${history[1]}/recap`);
    expect(silent.status).toBe(409);
    expect(silent.body.error).toMatchObject({ code: 'nothing_to_recap', message: 'That session has no transcript to recap.' });
  });

  it("tenant A's owner gets 404 for tenant B's session on every route, through either tenant's path", async () => {
    for (const t of [tenant, b.tenant]) {
      for (const [method, path] of [
        ['GET', `/tenants/${t}/sessions/${bSession}`],
        ['GET', `/tenants/${t}/sessions/${bSession}/transcript`],
        ['POST', `/tenants/${t}/sessions/${bSession}/stop`],
        ['POST', `/tenants/${t}/sessions/${bSession}/recap`],
      ] as const) {
        expect([method, path, (await api(owner.token, method, path)).status]).toEqual([method, path, 404]);
      }
    }
    expect((await api(owner.token, 'GET', `/tenants/${b.tenant}/sessions`)).status).toBe(404);
    expect((await api(owner.token, 'GET', `/tenants/${b.tenant}/sessions/active`)).status).toBe(404);
    expect(ids((await api(owner.token, 'GET', `/tenants/${tenant}/sessions`)).body)).not.toContain(bSession);
    // Even the operator cannot reach B's session through A's path.
    expect((await api(ADMIN_KEY, 'GET', `/tenants/${tenant}/sessions/${bSession}`)).status).toBe(404);
  });

  describe('with a voice node running the session', () => {
    let node: TestNode;
    beforeAll(async () => {
      const created = await admin('POST', '/nodes', { pool: 'shared' });
      node = await TestNode.connect(created.body.token, { capacity: 10 });
    });
    afterAll(() => node.close());

    it('lists it as active to every member; a viewer may not stop it, a DM may', async () => {
      const { id } = await startActiveSession(node, tenant);
      const active = await api(viewer.token, 'GET', `/tenants/${tenant}/sessions/active`);
      expect(active.body.sessions).toEqual([expect.objectContaining({ id, state: 'active', node_id: node.nodeId })]);
      expect((await api(outsider.token, 'GET', `/tenants/${tenant}/sessions/active`)).status).toBe(404);

      const refused = await api(viewer.token, 'POST', `/tenants/${tenant}/sessions/${id}/stop`);
      expect(refused.status).toBe(403);
      const stopped = await api(dm.token, 'POST', `/tenants/${tenant}/sessions/${id}/stop`);
      expect(stopped.status).toBe(200);
      expect(stopped.body.session).toMatchObject({ id, state: 'ended', end_reason: 'stopped' });
      await node.next((m) => m.type === 'stop_session' && m.session_id === id);
      expect((await api(viewer.token, 'GET', `/tenants/${tenant}/sessions/active`)).body.sessions).toEqual([]);
    });
  });
});
