import { env } from 'cloudflare:workers';
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { createDb, recordSessionUsage } from '@glyphoxa/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorOf, fleetOf } from '../src/durable/stubs.ts';
import { admin, snowflake, uniqueTenantId } from './helpers/admin.ts';
import { eventually } from './helpers/eventually.ts';
import { startActiveSession, TestNode, untilStopped } from './helpers/test-node.ts';

async function usageRow(tenant: string) {
  const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  const rows = (await db.execute(
    sql`select session_hours::float8 as hours, llm_tokens::int as tokens, stt_seconds::float8 as stt, tts_chars::int as chars, tool_calls::int as tools from usage_records where tenant_id = ${tenant}`,
  )) as unknown as Array<{ hours: number; tokens: number; stt: number; chars: number; tools: number }>;
  return rows[0];
}

describe('usage metering', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await TestNode.connect((await admin('POST', '/nodes', { pool: 'shared' })).body.token, { capacity: 20 });
  });
  afterAll(() => node.close());

  it('bills a session whose node fell silent up to its last heartbeat, not until it is found lost', async () => {
    const tenant = uniqueTenantId('silent');
    await admin('POST', '/tenants', { id: tenant });
    const { id, coordinator } = await startActiveSession(node, tenant);
    await new Promise((r) => setTimeout(r, 300));
    node.send({ type: 'heartbeat', sessions: [id] });
    await new Promise((r) => setTimeout(r, 50));
    const aliveFor = 0.35;
    // Then nothing: the node is gone; the timeout (1.5 s here) passes before anyone notices.
    const ended = await eventually(
      'the session found lost',
      async () => {
        await runDurableObjectAlarm(coordinator);
        return node.received.find((m) => m.type === 'stop_session' && m.session_id === id);
      },
      { timeoutMs: 10_000, everyMs: 250 },
    );
    expect(ended).toMatchObject({ reason: 'node_lost' });
    // Taken, so the next test on this node waits for its own.
    node.received.splice(node.received.indexOf(ended), 1);
    const billed = (await usageRow(tenant))!.hours * 3600;
    expect(billed).toBeGreaterThan(aliveFor - 0.1);
    expect(billed).toBeLessThan(aliveFor + 0.3);
  });

  it("is flushed by its pool's sweep, up to the last heartbeat, with no alarm of the coordinator's", async () => {
    const tenant = uniqueTenantId('swept');
    await admin('POST', '/tenants', { id: tenant, license_tier: 'dedicated', max_concurrent_sessions: 5 });
    const own = await TestNode.connect((await admin('POST', '/nodes', { pool: tenant })).body.token, { capacity: 2 });
    try {
      const { id } = await startActiveSession(own, tenant);
      await new Promise((r) => setTimeout(r, 300));
      own.send({ type: 'heartbeat', sessions: [id] });
      own.send({ type: 'usage', session_id: id, seq: 1, llm_tokens: 7, stt_seconds: 1, tts_chars: 3, tool_calls: 0 });
      await new Promise((r) => setTimeout(r, 400));
      // The flush is due (the test Worker's period is 1 ms); the coordinator's alarm is a minute off.
      await runDurableObjectAlarm(fleetOf(env, tenant));
      const row = (await usageRow(tenant))!;
      expect(row).toMatchObject({ tokens: 7, stt: 1, chars: 3 });
      // Billed to the heartbeat ~0.3 s in, not to the sweep ~0.7 s in.
      expect(row.hours * 3600).toBeGreaterThan(0.2);
      expect(row.hours * 3600).toBeLessThan(0.6);
    } finally {
      own.close();
    }
  });

  it('counts node usage once even when messages are replayed, and flushes it to Postgres', async () => {
    const tenant = uniqueTenantId('use');
    await admin('POST', '/tenants', { id: tenant });
    const res = await admin('POST', `/tenants/${tenant}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
    const id = res.body.session.id;
    await node.next((m) => m.type === 'start_session' && m.session_id === id);
    const usage = { type: 'usage', session_id: id, llm_tokens: 100, stt_seconds: 2.5, tts_chars: 40, tool_calls: 3 };
    node.send({ ...usage, seq: 1 });
    node.send({ ...usage, seq: 1 }); // replayed after a reconnect
    node.send({ ...usage, seq: 2 });
    // A node older than the tool-call count leaves it out: none.
    node.send({ type: 'usage', session_id: id, seq: 3, llm_tokens: 1, stt_seconds: 0, tts_chars: 0 });
    node.send({ type: 'heartbeat', sessions: [id] });
    await node.next((m) => m.type === 'stop_session', 300).catch(() => undefined);
    const coordinator = coordinatorOf(env, tenant);
    await runDurableObjectAlarm(coordinator);
    expect(await usageRow(tenant)).toMatchObject({ tokens: 201, stt: 5, chars: 80, tools: 6 });
    // A second flush with nothing new changes nothing.
    await runDurableObjectAlarm(coordinator);
    expect(await usageRow(tenant)).toMatchObject({ tokens: 201, stt: 5, chars: 80, tools: 6 });
    // Today's row of the days holds it (a flush books on the day it reaches Postgres).
    const today = new Date().toISOString().slice(0, 10);
    const days = (await admin('GET', `/tenants/${tenant}/usage?granularity=day&from=${today}`)).body.periods;
    expect(days).toEqual([expect.objectContaining({ period: today, llm_tokens: 201, stt_seconds: 5, tts_chars: 80, tool_calls: 6 })]);
  });

  it('a retried flush of the same totals never doubles usage', async () => {
    const tenant = uniqueTenantId('retry');
    await admin('POST', '/tenants', { id: tenant });
    const res = await admin('POST', `/tenants/${tenant}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
    const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    const totals = [{ sessionId: res.body.session.id, period: '2026-11', sessionHours: 0.5, llmTokens: 10, sttSeconds: 1, ttsChars: 5, toolCalls: 2 }];
    // As if the coordinator wrote, was evicted before marking it flushed, and wrote again.
    await recordSessionUsage(db, tenant, totals);
    await recordSessionUsage(db, tenant, totals);
    await recordSessionUsage(db, tenant, [{ ...totals[0]!, sessionHours: 0.75 }]);
    const rows = (await db.execute(sql`select session_hours::float8 as h, llm_tokens::int as t from usage_records where tenant_id = ${tenant} and period = '2026-11'`)) as unknown as Array<{ h: number; t: number }>;
    expect(rows[0]).toEqual({ h: 0.75, t: 10 });
    // The month's days moved by the same differences: one day of November holds it all.
    const days = (await db.execute(sql`select day::text as d, session_hours::float8 as h, llm_tokens::int as t from usage_days where tenant_id = ${tenant}`)) as unknown as Array<{ d: string; h: number; t: number }>;
    expect(days).toEqual([{ d: expect.stringMatching(/^2026-11-\d\d$/), h: 0.75, t: 10 }]);
  });

  it('accrues session hours while active, up to its last heartbeat, and settles them at stop', async () => {
    const tenant = uniqueTenantId('accrue');
    await admin('POST', '/tenants', { id: tenant });
    const { id, coordinator } = await startActiveSession(node, tenant);
    await new Promise((r) => setTimeout(r, 400));
    node.send({ type: 'heartbeat', sessions: [id] });
    await new Promise((r) => setTimeout(r, 400));
    node.send({ type: 'heartbeat', sessions: [id] });
    await new Promise((r) => setTimeout(r, 50));
    await runDurableObjectAlarm(coordinator);
    const first = (await usageRow(tenant))!.hours * 3600;
    expect(first).toBeGreaterThan(0.7);
    expect(first).toBeLessThan(1.5);
    const stop = await admin('POST', `/sessions/${id}/stop`);
    expect(stop.body.session.state).toBe('ended');
    const total = (await usageRow(tenant))!.hours * 3600;
    const wall = (Date.parse(stop.body.session.ended_at) - Date.parse(stop.body.session.started_at)) / 1000;
    expect(total).toBeGreaterThanOrEqual(first);
    expect(total).toBeLessThanOrEqual(wall + 0.01);
  });
});

describe('billing a stopped session', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await TestNode.connect((await admin('POST', '/nodes', { pool: 'shared' })).body.token, { capacity: 20 });
  });
  afterAll(() => node.close());

  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const billedSeconds = async (tenant: string) => (await usageRow(tenant))!.hours * 3600;

  /** A session of a new tenant on `on` that the node lists ~0.3 s in; `then` runs next, and the DM's stop after it. */
  async function stoppedAfter(on: TestNode, tenant: string, then: (id: string) => Promise<unknown>) {
    const { id } = await startActiveSession(on, tenant);
    const activeBy = Date.now();
    await pause(300);
    on.send({ type: 'heartbeat', sessions: [id] });
    const listedBy = Date.now();
    await then(id);
    const stoppedFrom = Date.now();
    const stop = await admin('POST', `/sessions/${id}/stop`);
    expect(stop.body.session).toMatchObject({ state: 'ended', end_reason: 'stopped' });
    return { listedFor: (listedBy - activeBy) / 1000, ranFor: (stoppedFrom - activeBy) / 1000, wall: (Date.parse(stop.body.session.ended_at) - Date.parse(stop.body.session.started_at)) / 1000 };
  }

  it('bills a session the DM stops while its node runs it up to the stop, not to its last heartbeat', async () => {
    const tenant = uniqueTenantId('stopalive');
    await admin('POST', '/tenants', { id: tenant });
    // The node is connected and its last heartbeat (0.6 s before the stop) is within two intervals (1 s here).
    const { listedFor, ranFor, wall } = await stoppedAfter(node, tenant, () => pause(600));
    const billed = await billedSeconds(tenant);
    expect(ranFor - listedFor).toBeGreaterThan(0.5);
    expect(billed).toBeGreaterThan(ranFor - 0.05);
    expect(billed).toBeLessThanOrEqual(wall + 0.01);
  });

  it('bills a session whose node dropped only to its last heartbeat when the DM stops it', async () => {
    const tenant = uniqueTenantId('stopdropped');
    await admin('POST', '/tenants', { id: tenant, license_tier: 'dedicated', max_concurrent_sessions: 5 });
    const own = await TestNode.connect((await admin('POST', '/nodes', { pool: tenant })).body.token, { capacity: 2 });
    const { listedFor } = await stoppedAfter(own, tenant, async () => {
      own.close();
      await pause(500);
    });
    const billed = await billedSeconds(tenant);
    expect(billed).toBeGreaterThan(listedFor - 0.1);
    expect(billed).toBeLessThan(listedFor + 0.15);
  });

  it('bills only to the last heartbeat when the node holds its socket but stopped heartbeating, or left the session out', async () => {
    const quiet = uniqueTenantId('stopquiet');
    await admin('POST', '/tenants', { id: quiet });
    // Silent for more than two intervals, less than the timeout: not known to run, not yet lost.
    const silent = await stoppedAfter(node, quiet, () => pause(1400));
    expect(await billedSeconds(quiet)).toBeLessThan(silent.listedFor + 0.15);

    const left = uniqueTenantId('stopleft');
    await admin('POST', '/tenants', { id: left });
    const unlisted = await stoppedAfter(node, left, async () => {
      await pause(300);
      // The node's latest heartbeat no longer lists the session.
      node.send({ type: 'heartbeat', sessions: [] });
      await pause(300);
    });
    const billed = await billedSeconds(left);
    expect(billed).toBeGreaterThan(unlisted.listedFor - 0.1);
    expect(billed).toBeLessThan(unlisted.listedFor + 0.15);
  });

  it('bills a stop on a live node past the month\'s limit only up to the limit', async () => {
    const limit = 1;
    const tenant = uniqueTenantId('stoplimit');
    await admin('POST', '/tenants', { id: tenant, monthly_session_hours: limit / 3600 });
    // No alarm runs (the test Worker's is a minute off): the stop comes 0.4 s past the limit, before the quota's end.
    const { ranFor } = await stoppedAfter(node, tenant, async (id) => {
      await pause(600);
      node.send({ type: 'heartbeat', sessions: [id] });
      await pause(500);
    });
    expect(ranFor).toBeGreaterThan(limit + 0.3);
    const billed = await billedSeconds(tenant);
    expect(billed).toBeGreaterThan(limit - 0.05);
    // The limit, up to the whole millisecond a capped accrual rounds to (usage-ledger.ts).
    expect(billed).toBeLessThanOrEqual(limit + 0.0015);
  });

  it('ends a session at the quota on its live node billed to the limit, never past it', async () => {
    const limit = 1.5;
    const tenant = uniqueTenantId('stopquota');
    await admin('POST', '/tenants', { id: tenant, monthly_session_hours: limit / 3600 });
    const { id, coordinator } = await startActiveSession(node, tenant);
    // Heartbeats every 0.4 s, the alarm every 0.1 s: the hours run out between listings.
    let beatAt = 0;
    const stopped = await eventually(
      'the session ended at the quota',
      async () => {
        if (Date.now() - beatAt >= 400) {
          node.send({ type: 'heartbeat', sessions: [id] });
          beatAt = Date.now();
        }
        await runDurableObjectAlarm(coordinator);
        return node.received.find((m) => m.type === 'stop_session' && m.session_id === id);
      },
      { timeoutMs: 10_000, everyMs: 100 },
    );
    node.received.splice(node.received.indexOf(stopped), 1);
    expect(stopped).toMatchObject({ reason: 'quota' });
    const billed = await billedSeconds(tenant);
    expect(billed).toBeGreaterThan(limit - 0.05);
    // The limit, up to the whole millisecond a capped accrual rounds to (usage-ledger.ts).
    expect(billed).toBeLessThanOrEqual(limit + 0.0015);
  });
});

describe("a node's usage numbers, taken as input", () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await TestNode.connect((await admin('POST', '/nodes', { pool: 'shared' })).body.token, { capacity: 20 });
  });
  afterAll(() => node.close());

  const usageError = (id: string) => node.next((m) => m.type === 'error' && m.request_type === 'usage' && (m.session_id === id || m.session_id === undefined));

  it('refuses a message past its caps or past what the session\'s time allows, naming the field, and counts the rest', async () => {
    const tenant = uniqueTenantId('caps');
    await admin('POST', '/tenants', { id: tenant });
    const { id, coordinator } = await startActiveSession(node, tenant);
    node.send({ type: 'usage', session_id: id, seq: 1, llm_tokens: 1e19, stt_seconds: 0, tts_chars: 0 });
    expect(await usageError(id)).toMatchObject({ code: 'invalid_message', field: 'llm_tokens' });
    // Within a message's cap, but no session uses that in its first minute.
    node.send({ type: 'usage', session_id: id, seq: 2, llm_tokens: 900_000, stt_seconds: 0, tts_chars: 0 });
    expect(await usageError(id)).toMatchObject({ code: 'usage_refused', field: 'llm_tokens', session_id: id });
    node.send({ type: 'usage', session_id: id, seq: 3, llm_tokens: 120, stt_seconds: 1.5, tts_chars: 30 });
    node.send({ type: 'heartbeat', sessions: [id] });
    await eventually('the good usage flushed', async () => {
      await runDurableObjectAlarm(coordinator);
      return (await usageRow(tenant))?.tokens === 120;
    });
    const usage = (await admin('GET', `/tenants/${tenant}/usage`)).body;
    expect(usage.anomalies).toEqual({ refused_usage_messages: 1, usage_set_aside: 0 });
  });

  it('sets aside a total Postgres cannot hold, so later usage still flushes and the quota still ends the session', async () => {
    const tenant = uniqueTenantId('aside');
    await admin('POST', '/tenants', { id: tenant, monthly_session_hours: 2 / 3600 });
    const { id, coordinator } = await startActiveSession(node, tenant);
    node.send({ type: 'usage', session_id: id, seq: 1, llm_tokens: 10, stt_seconds: 0, tts_chars: 0 });
    node.send({ type: 'heartbeat', sessions: [id] });
    await new Promise((r) => setTimeout(r, 200));
    // As an edge without the bounds stored it: a total that overflows Postgres's bigint.
    await runInDurableObject(coordinator, (_, state) => {
      state.storage.sql.exec(`update usage set llm_tokens = 1e19 where session_id = ?`, id);
    });
    await runDurableObjectAlarm(coordinator);
    expect((await admin('GET', `/tenants/${tenant}/usage`)).body.anomalies).toEqual({ refused_usage_messages: 0, usage_set_aside: 1 });
    node.send({ type: 'usage', session_id: id, seq: 2, llm_tokens: 7, stt_seconds: 0, tts_chars: 0 });
    const stopped = await untilStopped(node, coordinator, id, 10_000);
    expect(stopped).toMatchObject({ reason: 'quota' });
    const row = (await usageRow(tenant))!;
    // The bad total was set aside whole; what came after it counts, and so does the time.
    expect(row.tokens).toBe(7);
    expect(row.hours * 3600).toBeGreaterThanOrEqual(2);
  });
});

describe('billing a session stopped after every object restarted (a deploy)', () => {
  async function sessionSeconds(sessionId: string) {
    const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
    const rows = (await db.execute(sql`select coalesce(sum(session_hours), 0)::float8 as hours from session_usage where session_id = ${sessionId}`)) as unknown as Array<{ hours: number }>;
    return rows[0]!.hours * 3600;
  }

  it('bills to the last listing until the reconnected node heartbeats again, then to the stop', async () => {
    const tenant = uniqueTenantId('stoprestart');
    await admin('POST', '/tenants', { id: tenant, license_tier: 'dedicated', max_concurrent_sessions: 5 });
    const token = (await admin('POST', '/nodes', { pool: tenant })).body.token as string;
    let own = await TestNode.connect(token, { capacity: 2 });
    try {
      const before = (await startActiveSession(own, tenant)).id;
      const after = (await startActiveSession(own, tenant)).id;
      const activeBy = Date.now();
      await new Promise((r) => setTimeout(r, 300));
      own.send({ type: 'heartbeat', sessions: [before, after] });
      await new Promise((r) => setTimeout(r, 50));
      const dropped = new Promise((resolve) => own.ws.addEventListener('close', resolve));
      const abortedAt = Date.now();
      await abortAllDurableObjects();
      await dropped;
      own = await TestNode.connect(token, { capacity: 2 });
      await new Promise((r) => setTimeout(r, 300));

      // Greeted again but not heartbeating yet: the node may have lost its sessions, so the stop bills to the last listing
      // the restarted Fleet knows (stored a third of the timeout apart: the placement's, or the heartbeat's), from before the restart.
      const early = await admin('POST', `/sessions/${before}/stop`);
      expect(early.body.session.state).toBe('ended');
      const ranBefore = (Date.now() - activeBy) / 1000;
      expect(ranBefore).toBeGreaterThan(0.65);
      expect(await sessionSeconds(before)).toBeLessThanOrEqual((abortedAt - Date.parse(early.body.session.started_at)) / 1000 + 0.01);

      // Once it lists the session on its new connection, it ran all along: the stop bills to the stop.
      own.send({ type: 'heartbeat', sessions: [after] });
      await new Promise((r) => setTimeout(r, 300));
      const stoppedFrom = Date.now();
      const late = await admin('POST', `/sessions/${after}/stop`);
      expect(late.body.session.state).toBe('ended');
      const wall = (Date.parse(late.body.session.ended_at) - Date.parse(late.body.session.started_at)) / 1000;
      const billed = await sessionSeconds(after);
      expect(billed).toBeGreaterThan((stoppedFrom - activeBy) / 1000 - 0.05);
      expect(billed).toBeLessThanOrEqual(wall + 0.01);
    } finally {
      own.close();
    }
  });
});
