import { runDurableObjectAlarm } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, snowflake, uniqueTenantId } from './helpers/admin.ts';
import { startActiveSession, TestNode } from './helpers/test-node.ts';

describe('quota while a session runs', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await TestNode.connect((await admin('POST', '/nodes', { pool: 'shared' })).body.token, { capacity: 20 });
  });
  afterAll(() => node.close());

  it('warns the table, then ends the session as quota when the hours run out', async () => {
    const tenant = uniqueTenantId('quota');
    // 2 seconds of session time this month; the warning comes with under 5 minutes left.
    await admin('POST', '/tenants', { id: tenant, monthly_session_hours: 2 / 3600 });
    const { id, coordinator } = await startActiveSession(node, tenant);

    await runDurableObjectAlarm(coordinator);
    const notice = await node.next((m) => m.type === 'session_notice' && m.session_id === id);
    expect(notice).toMatchObject({ level: 'warning' });
    expect((notice as { message: string }).message).toMatch(/session time are left/);
    expect((await coordinator.liveSessions())[0]?.state).toBe('active');

    await new Promise((r) => setTimeout(r, 1200));
    node.send({ type: 'heartbeat', sessions: [id] });
    await new Promise((r) => setTimeout(r, 1000));
    node.send({ type: 'heartbeat', sessions: [id] });
    await new Promise((r) => setTimeout(r, 100));
    await runDurableObjectAlarm(coordinator);
    expect(await node.next((m) => m.type === 'stop_session' && m.session_id === id)).toMatchObject({ reason: 'quota' });
    const listed = await admin('GET', `/tenants/${tenant}/sessions`);
    expect(listed.body.sessions[0]).toMatchObject({ id, state: 'ended', end_reason: 'quota' });
    // And the next start is refused with 402.
    expect((await admin('POST', `/tenants/${tenant}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() })).status).toBe(402);
  });
});
