import { env } from 'cloudflare:workers';
import { listDurableObjectIds } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorOf } from '../src/durable/stubs.ts';
import { admin, snowflake, uniqueTenantId } from './helpers/admin.ts';
import { TestNode } from './helpers/test-node.ts';

const start = (tenantId: string) =>
  admin('POST', `/tenants/${tenantId}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });

async function sessionOf(tenant: string, id: string) {
  return (await admin('GET', `/tenants/${tenant}/sessions`)).body.sessions.find((s: { id: string }) => s.id === id);
}

describe('dedicated pools and tenant isolation', () => {
  const a = uniqueTenantId('iso-a');
  const b = uniqueTenantId('iso-b');
  let nodeA: TestNode;
  let nodeB: TestNode;

  beforeAll(async () => {
    await admin('POST', '/tenants', { id: a, license_tier: 'dedicated', tier: 'guild' });
    await admin('POST', '/tenants', { id: b, license_tier: 'dedicated', tier: 'guild' });
    nodeA = await TestNode.connect((await admin('POST', '/nodes', { pool: a })).body.token);
    nodeB = await TestNode.connect((await admin('POST', '/nodes', { pool: b })).body.token);
  });
  afterAll(() => {
    nodeA.close();
    nodeB.close();
  });

  it("places a dedicated tenant's sessions only on its own pool", async () => {
    const res = await start(a);
    expect(res.status).toBe(201);
    expect(res.body.session.node_id).toBe(nodeA.nodeId);
    await nodeA.next((m) => m.type === 'start_session' && m.session_id === res.body.session.id);
    expect(nodeB.received.some((m) => m.type === 'start_session' && m.session_id === res.body.session.id)).toBe(false);
  });

  it("cannot touch A's session from B's node", async () => {
    const res = await start(a);
    const id = res.body.session.id;
    await nodeA.next((m) => m.type === 'start_session' && m.session_id === id);
    // B's node claims A's session: reports it active, ended, its usage, heartbeats it.
    nodeB.send({ type: 'session_state', session_id: id, state: 'ended', reason: 'stopped' });
    nodeB.send({ type: 'usage', session_id: id, seq: 1, llm_tokens: 999999, stt_seconds: 1, tts_chars: 1 });
    nodeB.send({ type: 'heartbeat', sessions: [id] });
    await nodeB.next((m) => m.type === 'stop_session' && m.session_id === id);
    expect((await sessionOf(a, id)).state).not.toBe('ended');
    // A's session is not visible in B's listing either.
    expect((await admin('GET', `/tenants/${b}/sessions`)).body.sessions.map((s: { id: string }) => s.id)).not.toContain(id);
  });

  it('refuses with 503 when the pool has no free node', async () => {
    const c = uniqueTenantId('iso-c');
    await admin('POST', '/tenants', { id: c, license_tier: 'dedicated' });
    const res = await start(c);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('no_voice_capacity');
    expect((await admin('GET', `/tenants/${c}/sessions`)).body.sessions[0]).toMatchObject({ state: 'ended', end_reason: 'failed' });
  });

  it('a drained node takes no new sessions; a revoked one is dropped at once', async () => {
    const d = uniqueTenantId('iso-d');
    await admin('POST', '/tenants', { id: d, license_tier: 'dedicated', tier: 'guild' });
    const created = await admin('POST', '/nodes', { pool: d });
    const node = await TestNode.connect(created.body.token);
    expect((await start(d)).status).toBe(201);
    expect((await admin('POST', `/nodes/${created.body.node_id}/drain`)).body.draining).toBe(true);
    expect((await start(d)).status).toBe(503);
    const listed = (await admin('GET', '/nodes')).body.nodes.find((n: { node_id: string }) => n.node_id === created.body.node_id);
    expect(listed).toMatchObject({ pool: d, connected: true, draining: true, load: 1, capacity: 4 });

    const closed = new Promise<number>((resolve) => node.ws.addEventListener('close', (e) => resolve(e.code)));
    expect((await admin('DELETE', `/nodes/${created.body.node_id}`)).status).toBe(200);
    expect(await closed).toBe(4001);
    await expect(TestNode.connect(created.body.token)).rejects.toThrow(/401/);
  });

  it('deleting a tenant ends its live sessions and removes its data and coordinator state', async () => {
    const e = uniqueTenantId('iso-e');
    await admin('POST', '/tenants', { id: e, license_tier: 'dedicated', tier: 'guild' });
    const created = await admin('POST', '/nodes', { pool: e });
    const node = await TestNode.connect(created.body.token);
    const res = await start(e);
    await node.next((m) => m.type === 'start_session');
    const deleted = await admin('DELETE', `/tenants/${e}`);
    expect(deleted.body).toEqual({ deleted: e, ended_sessions: 1 });
    expect(await node.next((m) => m.type === 'stop_session' && m.session_id === res.body.session.id)).toMatchObject({ reason: 'tenant_deleted' });
    expect((await admin('GET', `/tenants/${e}/sessions`)).body.sessions).toEqual([]);
    expect((await admin('GET', '/nodes')).body.nodes.some((n: { pool: string }) => n.pool === e)).toBe(false);
    const coordinator = coordinatorOf(env, e);
    expect(await coordinator.liveSessions()).toEqual([]);
    expect((await listDurableObjectIds(env.TENANT_COORDINATOR)).length).toBeGreaterThan(0);
  });
});
