import { runDurableObjectAlarm } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, snowflake, uniqueTenantId } from './helpers/admin.ts';
import { discordTenant, waitForCall } from './helpers/discord.ts';
import { startActiveSession, TestNode, untilStopped } from './helpers/test-node.ts';

const QUOTA_SECONDS = 2;

describe('quota while a session runs', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await TestNode.connect((await admin('POST', '/nodes', { pool: 'shared' })).body.token, { capacity: 20 });
  });
  afterAll(() => node.close());

  it('warns the table, then ends the session as quota when the hours run out, not before', async () => {
    const tenant = uniqueTenantId('quota');
    // 2 seconds of session time this month; the warning comes with under 5 minutes left.
    await admin('POST', '/tenants', { id: tenant, monthly_session_hours: QUOTA_SECONDS / 3600 });
    const { id, coordinator } = await startActiveSession(node, tenant);

    await runDurableObjectAlarm(coordinator);
    const notice = await node.next((m) => m.type === 'session_notice' && m.session_id === id);
    expect(notice).toMatchObject({ level: 'warning' });
    expect((notice as { message: string }).message).toMatch(/session time are left/);
    expect((await coordinator.liveSessions())[0]?.state).toBe('active');

    // The node keeps the session alive; each alarm checks the quota, until it ends it.
    const stopped = await untilStopped(node, coordinator, id, 5 * QUOTA_SECONDS * 1000);
    expect(stopped).toMatchObject({ reason: 'quota' });
    const listed = await admin('GET', `/tenants/${tenant}/sessions`);
    expect(listed.body.sessions[0]).toMatchObject({ id, state: 'ended', end_reason: 'quota' });
    // It ran for its hours: the month's usage holds them all, and little more.
    const month = (await admin('GET', `/tenants/${tenant}/usage`)).body.periods[0];
    expect(month.session_hours * 3600).toBeGreaterThanOrEqual(QUOTA_SECONDS);
    expect(month.session_hours * 3600).toBeLessThan(QUOTA_SECONDS + 1);
    expect(month.remaining_hours).toBe(0);
    // And the next start is refused with 402.
    expect((await admin('POST', `/tenants/${tenant}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() })).status).toBe(402);
  });

  it('warns at activation when little is left, in the GM voice and in the session\'s Discord channel, before any alarm', async () => {
    const t = await discordTenant({ monthly_session_hours: 20 / 3600 });
    const channel = snowflake();
    const res = await admin('POST', `/tenants/${t.id}/sessions`, { guild_id: t.guildId, channel_id: channel, started_by: snowflake() });
    expect(res.status).toBe(201);
    const id = res.body.session.id as string;
    const notice = await node.next((m) => m.type === 'session_notice' && m.session_id === id);
    expect(notice).toMatchObject({ level: 'warning', message: expect.stringMatching(/^About 1 minute\(s\) of this month's session time are left/) });
    const posted = await waitForCall((c) => c.method === 'POST' && c.path === `/channels/${channel}/messages`);
    expect(posted.authorization).toBe(`Bot ${t.botToken}`);
    expect((posted.body as { content: string }).content).toContain("this month's session time are left");
    await admin('POST', `/sessions/${id}/stop`);
    await admin('DELETE', `/tenants/${t.id}`);
  });
});
