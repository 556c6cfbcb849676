import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { createDb } from '@glyphoxa/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantCoordinator } from '../src/durable/coordinator/tenant-coordinator.ts';
import type { Fleet } from '../src/durable/fleet/fleet.ts';
import { coordinatorOf, fleetOf } from '../src/durable/stubs.ts';
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

  it('deleting a tenant ends its live sessions, dissolves its pool and leaves nothing of it behind', async () => {
    const e = uniqueTenantId('iso-e');
    await admin('POST', '/tenants', { id: e, license_tier: 'dedicated', tier: 'guild' });
    const created = await admin('POST', '/nodes', { pool: e });
    const node = await TestNode.connect(created.body.token);
    const res = await start(e);
    const sessionId = res.body.session.id as string;
    await node.next((m) => m.type === 'start_session' && m.session_id === sessionId);
    const rows = () => rowsOf(e);
    const coordinatorRows = () => durableRows(coordinatorOf(env, e), ['meta', 'sessions', 'session_npcs', 'usage']);
    const fleetRows = () => durableRows(fleetOf(env, e), ['placements', 'listed', 'drained']);
    // What deleting must remove is there before.
    expect(await rows()).toMatchObject({ tenants: 1, sessions: 1, voice_nodes: 1 });
    expect((await coordinatorRows()).sessions).toBe(1);
    expect((await fleetRows()).placements).toBe(1);
    const closed = new Promise<number>((resolve) => node.ws.addEventListener('close', (event) => resolve(event.code)));

    const deleted = await admin('DELETE', `/tenants/${e}`);
    expect(deleted.body).toEqual({ deleted: e, ended_sessions: 1 });
    // The node was told to stop the session, then dropped with the pool.
    expect(await node.next((m) => m.type === 'stop_session' && m.session_id === sessionId)).toMatchObject({ reason: 'tenant_deleted' });
    expect(await closed).toBe(4001);
    await expect(TestNode.connect(created.body.token)).rejects.toThrow(/401/);
    // Postgres has nothing of it; neither has its coordinator or its Fleet.
    expect(await rows()).toEqual({ tenants: 0, sessions: 0, voice_nodes: 0, usage_records: 0 });
    expect((await admin('GET', `/tenants/${e}`)).status).toBe(404);
    expect(await coordinatorRows()).toEqual({ meta: 0, sessions: 0, session_npcs: 0, usage: 0, alarm: null, sockets: 0 });
    expect(await fleetRows()).toEqual({ placements: 0, listed: 0, drained: 0, alarm: null, sockets: 0 });
    expect((await admin('GET', '/nodes')).body.nodes.some((n: { pool: string }) => n.pool === e)).toBe(false);
  });
});

/** The tenant's rows in Postgres, read as the database owner (no row-level security in the way). */
async function rowsOf(tenantId: string) {
  const { db, close } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  try {
    const [counts] = (await db.execute(sql`select
      (select count(*)::int from tenants where id = ${tenantId}) as tenants,
      (select count(*)::int from sessions where tenant_id = ${tenantId}) as sessions,
      (select count(*)::int from voice_nodes where pool = ${tenantId}) as voice_nodes,
      (select count(*)::int from usage_records where tenant_id = ${tenantId}) as usage_records`)) as unknown as Array<Record<string, number>>;
    return counts!;
  } finally {
    await close();
  }
}

/** Rows per table of a Durable Object's SQLite, its alarm and its open sockets. */
function durableRows(stub: DurableObjectStub<TenantCoordinator> | DurableObjectStub<Fleet>, tables: string[]) {
  return runInDurableObject(stub as DurableObjectStub<Fleet>, async (_object, state): Promise<Record<string, number | null>> => ({
    ...Object.fromEntries(tables.map((table) => [table, state.storage.sql.exec<{ n: number }>(`select count(*) as n from ${table}`).one().n])),
    alarm: await state.storage.getAlarm(),
    sockets: state.getWebSockets().length,
  }));
}
