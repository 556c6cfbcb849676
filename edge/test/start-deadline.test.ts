import { env, exports } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { createDb } from '@glyphoxa/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorOf } from '../src/durable/stubs.ts';
import { ADMIN_KEY, admin, snowflake, uniqueTenantId } from './helpers/admin.ts';
import { TestNode } from './helpers/test-node.ts';

// The test Worker's START_DATABASE_DEADLINE_MS (vitest.config.ts).
const DEADLINE_MS = 3000;

const start = (tenantId: string, guildId = snowflake()) => admin('POST', `/tenants/${tenantId}/sessions`, { guild_id: guildId, channel_id: snowflake(), started_by: snowflake() });

/**
 * Makes the database slow for one tenant's starts, for real: a transaction holding its
 * tenant row `for update` keeps a start's session insert (its foreign key's row lock) waiting.
 * Resolves once the lock is held; `release` commits.
 */
async function holdTenantRow(tenantId: string): Promise<{ release: () => Promise<void> }> {
  const handle = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const held = new Promise<void>((resolve) => (locked = resolve));
  const done = handle.db.transaction(async (tx) => {
    await tx.execute(sql`select id from tenants where id = ${tenantId} for update`);
    locked();
    await released;
  });
  await held;
  return {
    release: async () => {
      release();
      await done;
      await handle.close();
    },
  };
}

describe('a start while the database is slow', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await TestNode.connect((await admin('POST', '/nodes', { pool: 'shared' })).body.token, { capacity: 10 });
  });
  afterAll(() => node.close());

  it('waits for a database slower than usual but within the deadline, and starts', async () => {
    const tenant = uniqueTenantId('slowdb');
    await admin('POST', '/tenants', { id: tenant });
    const lock = await holdTenantRow(tenant);
    const answer = start(tenant);
    await new Promise((resolve) => setTimeout(resolve, DEADLINE_MS / 5));
    await lock.release();
    const res = await answer;
    expect(res.status).toBe(201);
    expect(await coordinatorOf(env, tenant).startsRefusedForDatabase()).toBe(0);
  });

  it('is refused past the deadline with one retryable error, counted, leaving nothing running and no pending row; then the guild starts again', async () => {
    const tenant = uniqueTenantId('slowdb');
    await admin('POST', '/tenants', { id: tenant });
    const guild = snowflake();
    const lock = await holdTenantRow(tenant);
    let res: Response;
    const started = Date.now();
    try {
      // Straight to the Worker, for the answer's headers.
      res = await exports.default.fetch(`http://edge.test/admin/tenants/${tenant}/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ guild_id: guild, channel_id: snowflake(), started_by: snowflake() }),
      });
    } finally {
      await lock.release();
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(DEADLINE_MS - 100);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toEqual({ error: { code: 'database_unavailable', message: expect.stringMatching(/did not answer within 3 s.*retry in 2 s/) } });
    const coordinator = coordinatorOf(env, tenant);
    expect(await coordinator.startsRefusedForDatabase()).toBe(1);
    expect(await coordinator.liveSessions()).toEqual([]);

    // The caller retries, in the same guild: a pending row of the refused start would hold its one live session.
    const again = await start(tenant, guild);
    expect(again.status).toBe(201);
    // The refused start is never left pending: if it got as far as reserving a session, Postgres holds that
    // session as what it was, a failed start (db/test/session-rows.test.ts), and no other. On PostgreSQL the held
    // row lock stops only the session's insert, so it always does; on the embedded database the open transaction
    // holds PGlite's only session, so the start's first read waits too and it is refused before reserving anything.
    const rows = (await admin('GET', `/tenants/${tenant}/sessions`)).body.sessions as Array<{ id: string; state: string; end_reason: string | null }>;
    const reserved = await runInDurableObject(coordinator, (_, state) => state.storage.sql.exec<{ id: string }>(`select id from sessions`).toArray().map((r) => r.id));
    expect(rows.find((s) => s.id === again.body.session.id)?.state).toMatch(/^(pending|active)$/);
    const refused = reserved.filter((id) => id !== again.body.session.id);
    expect(rows.filter((s) => s.id !== again.body.session.id).map((s) => [s.id, s.state, s.end_reason])).toEqual(refused.map((id) => [id, 'ended', 'failed']));
  });
});
