import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm } from 'cloudflare:test';
import { createDb } from '@glyphoxa/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorOf } from '../src/durable/stubs.ts';
import { admin, snowflake, uniqueTenantId } from './helpers/admin.ts';
import { TestNode } from './helpers/test-node.ts';
import type { StartSession } from '@glyphoxa/protocol';

const start = (tenantId: string, guild = snowflake()) =>
  admin('POST', `/tenants/${tenantId}/sessions`, { guild_id: guild, channel_id: snowflake(), started_by: snowflake() });

async function waitForState(tenantId: string, sessionId: string, state: string) {
  for (let i = 0; i < 50; i++) {
    const res = await admin('GET', `/tenants/${tenantId}/sessions`);
    const found = res.body.sessions.find((s: { id: string }) => s.id === sessionId);
    if (found?.state === state) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`session ${sessionId} never became ${state}`);
}

describe('sessions through the coordinator and a connected node', () => {
  let node: TestNode;

  beforeAll(async () => {
    const created = await admin('POST', '/nodes', { pool: 'shared' });
    expect(created.status).toBe(201);
    node = await TestNode.connect(created.body.token, { capacity: 50, audioUrl: 'ws://127.0.0.1:7777/audio' });
  });
  afterAll(() => node.close());

  it('starts a session on the node, which reports it active, and stops it', async () => {
    const tenant = uniqueTenantId();
    await admin('POST', '/tenants', { id: tenant });
    const res = await start(tenant);
    expect(res.status).toBe(201);
    expect(res.body.session).toMatchObject({ tenant_id: tenant, node_id: node.nodeId });
    // The node's "active" may overtake the start's answer.
    expect(['pending', 'active']).toContain(res.body.session.state);
    const assignment = await node.next((m): m is StartSession => m.type === 'start_session' && m.session_id === res.body.session.id);
    expect(assignment).toMatchObject({ tenant_id: tenant, npcs: [], providers: {} });
    // No bot token: the session's audio goes to the browser, through the node's endpoint.
    expect(assignment.audio).toEqual({ transport: 'websocket', token: expect.stringMatching(/^[\w-]{43}$/) });
    if (assignment.audio.transport !== 'websocket') throw new Error('expected a websocket session');
    expect(res.body.session.audio).toEqual({
      transport: 'websocket',
      url: `ws://127.0.0.1:7777/audio/${res.body.session.id}`,
      token: assignment.audio.token,
    });
    await waitForState(tenant, res.body.session.id, 'active');
    const listed = await admin('GET', `/tenants/${tenant}/sessions`);
    expect(JSON.stringify(listed.body)).not.toContain(assignment.audio.token);

    const stopped = await admin('POST', `/sessions/${res.body.session.id}/stop`);
    expect(stopped.body.session).toMatchObject({ state: 'ended', end_reason: 'stopped' });
    await node.next((m) => m.type === 'stop_session' && m.session_id === res.body.session.id);
    await waitForState(tenant, res.body.session.id, 'ended');
  });

  it('answers a start with ?wait=active once the node runs the session', async () => {
    const tenant = uniqueTenantId();
    await admin('POST', '/tenants', { id: tenant });
    const res = await admin('POST', `/tenants/${tenant}/sessions?wait=active`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
    expect(res.status).toBe(201);
    expect(res.body.session).toMatchObject({ state: 'active', node_id: node.nodeId });
    const bad = await admin('POST', `/tenants/${tenant}/sessions?wait=soon`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ field: 'wait' });
    await admin('POST', `/sessions/${res.body.session.id}/stop`);
  });

  it("sends a Discord session the tenant's own bot token, and refuses one without a token", async () => {
    const withBot = uniqueTenantId();
    await admin('POST', '/tenants', { id: withBot, bot_token: 'bot-token-of-this-tenant' });
    const res = await start(withBot);
    expect(res.status).toBe(201);
    expect(res.body.session.audio).toBeUndefined();
    const assignment = await node.next((m): m is StartSession => m.type === 'start_session' && m.session_id === res.body.session.id);
    expect(assignment.audio).toEqual({ transport: 'discord', bot_token: 'bot-token-of-this-tenant' });
    await admin('POST', `/sessions/${res.body.session.id}/stop`);

    const withoutBot = uniqueTenantId();
    await admin('POST', '/tenants', { id: withoutBot });
    const refused = await admin('POST', `/tenants/${withoutBot}/sessions`, {
      guild_id: snowflake(),
      channel_id: snowflake(),
      started_by: snowflake(),
      transport: 'discord',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'no_bot_token', message: expect.stringMatching(/bot token/) });
  });

  it('lets exactly one of 20 simultaneous starts through for a limit of 1', async () => {
    const tenant = uniqueTenantId();
    await admin('POST', '/tenants', { id: tenant, max_concurrent_sessions: 1 });
    const results = await Promise.all(Array.from({ length: 20 }, () => start(tenant)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(19);
    expect(refused[0]!.body.error.code).toBe('concurrency_limit');
    expect(refused[0]!.body.error.message).toMatch(/Stop one first/);
  });

  it('allows one live session per guild', async () => {
    const tenant = uniqueTenantId();
    await admin('POST', '/tenants', { id: tenant, tier: 'guild' });
    const guild = snowflake();
    expect((await start(tenant, guild)).status).toBe(201);
    const again = await start(tenant, guild);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('guild_session_live');
    expect((await start(tenant)).status).toBe(201);
  });

  it('refuses with 402 when the month\'s quota is used up, and allows the next month', async () => {
    const tenant = uniqueTenantId();
    await admin('POST', '/tenants', { id: tenant, monthly_session_hours: 2 });
    const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    const month = new Date().toISOString().slice(0, 7);
    await db.execute(sql`insert into usage_records (tenant_id, period, session_hours) values (${tenant}, ${month}, 2)`);
    const refused = await start(tenant);
    expect(refused.status).toBe(402);
    expect(refused.body.error.code).toBe('quota_exhausted');
    expect(refused.body.error.message).toMatch(/renew on the 1st/);
    // Last month's hours do not count against this month: the same use, a month earlier, is no bar.
    await db.execute(sql`update usage_records set period = '2000-01' where tenant_id = ${tenant}`);
    expect((await start(tenant)).status).toBe(201);
  });

  it('ends a session whose node goes silent as node_lost, by the alarm', async () => {
    const tenant = uniqueTenantId();
    await admin('POST', '/tenants', { id: tenant });
    const res = await start(tenant);
    await waitForState(tenant, res.body.session.id, 'active');
    const coordinator = coordinatorOf(env, tenant);
    // No heartbeat arrives; the configured timeout (test: 1.5 s) passes.
    await new Promise((r) => setTimeout(r, 1600));
    expect(await runDurableObjectAlarm(coordinator)).toBe(true);
    const ended = await waitForState(tenant, res.body.session.id, 'ended');
    expect(ended.end_reason).toBe('node_lost');
    // A heartbeat for it afterwards is answered with stop.
    node.send({ type: 'heartbeat', sessions: [res.body.session.id] });
    await node.next((m) => m.type === 'stop_session' && m.session_id === res.body.session.id);
  });

  // The Fleet keeps the heartbeats; at the deadline (the coordinator's own news is 2 s old by then) it asks.
  it.each([
    [500, 4],
    [100, 20],
  ])('keeps a session alive while heartbeats arrive every %i ms', async (everyMs, count) => {
    const tenant = uniqueTenantId();
    await admin('POST', '/tenants', { id: tenant });
    const res = await start(tenant);
    await waitForState(tenant, res.body.session.id, 'active');
    const coordinator = coordinatorOf(env, tenant);
    for (let i = 0; i < count; i++) {
      await new Promise((r) => setTimeout(r, everyMs));
      node.send({ type: 'heartbeat', sessions: [res.body.session.id] });
    }
    await new Promise((r) => setTimeout(r, 100));
    await runDurableObjectAlarm(coordinator);
    const live = await admin('GET', `/tenants/${tenant}/sessions?state=active`);
    expect(live.body.sessions.map((s: { id: string }) => s.id)).toContain(res.body.session.id);
  });

  it('relays npc commands to the node and its replies back', async () => {
    const tenant = uniqueTenantId();
    await admin('POST', '/tenants', { id: tenant });
    const res = await start(tenant);
    await waitForState(tenant, res.body.session.id, 'active');
    const pending = admin('POST', `/sessions/${res.body.session.id}/npc`, { action: 'mute', name: 'Grimjaw' });
    const command = await node.next((m) => m.type === 'npc_command' && m.session_id === res.body.session.id);
    expect(command).toMatchObject({ action: 'mute', name: 'Grimjaw' });
    node.send({ type: 'reply', request_id: (command as { request_id: string }).request_id, ok: true, data: { muted: 'Grimjaw' } });
    expect((await pending).body).toEqual({ data: { muted: 'Grimjaw' } });

    const failing = admin('POST', `/sessions/${res.body.session.id}/npc`, { action: 'speak', name: 'Nobody', text: 'hi' });
    const second = await node.next((m) => m.type === 'npc_command' && m.session_id === res.body.session.id);
    node.send({ type: 'reply', request_id: (second as { request_id: string }).request_id, ok: false, error: { code: 'npc_not_found', message: 'No NPC named Nobody' } });
    const failed = await failing;
    expect(failed.status).toBe(404);
    expect(failed.body.error.message).toBe('No NPC named Nobody');

    expect((await admin('POST', `/sessions/${res.body.session.id}/npc`, { action: 'mute' })).body.error.field).toBe('name');
  });

  it('answers a node that does not reply with "temporarily unavailable", in time', async () => {
    const tenant = uniqueTenantId();
    await admin('POST', '/tenants', { id: tenant });
    const res = await start(tenant);
    await waitForState(tenant, res.body.session.id, 'active');
    const started = Date.now();
    const unanswered = await admin('POST', `/sessions/${res.body.session.id}/npc`, { action: 'list' });
    expect(unanswered.status).toBe(503);
    expect(unanswered.body.error.message).toMatch(/temporarily unavailable/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('answers malformed node messages with an error and changes nothing', async () => {
    node.sendRaw('{not json');
    expect(await node.next((m) => m.type === 'error')).toMatchObject({ code: 'invalid_json' });
    node.send({ type: 'session_state', session_id: 'not-a-uuid', state: 'active' });
    expect(await node.next((m) => m.type === 'error')).toMatchObject({ code: 'invalid_message', field: 'session_id' });
    node.send({ type: 'teleport' });
    expect(await node.next((m) => m.type === 'error')).toMatchObject({ code: 'invalid_message' });
    // Still connected and serving.
    node.send({ type: 'heartbeat', sessions: [] });
    const tenant = uniqueTenantId();
    await admin('POST', '/tenants', { id: tenant });
    expect((await start(tenant)).status).toBe(201);
  });

  it('refuses a bad node token before the upgrade', async () => {
    await expect(TestNode.connect('node-00000000.wrongwrongwrongwrongwrong')).rejects.toThrow(/401/);
    await expect(TestNode.connect('garbage')).rejects.toThrow(/401/);
  });
});
