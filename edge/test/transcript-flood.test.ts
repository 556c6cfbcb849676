import { env } from 'cloudflare:workers';
import { createDb, sessionEntries, withTenant } from '@glyphoxa/db';
import { MAX_TEXT_LENGTH, TRANSCRIPT_NODE_BUDGET, TRANSCRIPT_SESSION_BUDGET, type EdgeError } from '@glyphoxa/protocol';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { admin, snowflake, uniqueTenantId } from './helpers/admin.ts';
import { eventually } from './helpers/eventually.ts';
import { startActiveSession, TestNode } from './helpers/test-node.ts';

const { db } = createDb(env.HYPERDRIVE.connectionString, { max: 1 });
const nodes: TestNode[] = [];
const tenants: string[] = [];

/** A tenant with a voice node of its own (a dedicated pool), so its sessions are placed there and nowhere else. */
async function tenantWithNode(): Promise<{ tenant: string; node: TestNode }> {
  const tenant = uniqueTenantId('flood');
  tenants.push(tenant);
  await admin('POST', '/tenants', { id: tenant, license_tier: 'dedicated', tier: 'guild', max_concurrent_sessions: 20 });
  const node = await TestNode.connect((await admin('POST', '/nodes', { pool: tenant })).body.token, { capacity: 20 });
  nodes.push(node);
  return { tenant, node };
}

async function session(owner: { tenant: string; node: TestNode }): Promise<string> {
  return (await startActiveSession(owner.node, owner.tenant)).id;
}

let clock = Date.parse('2026-12-02T20:00:00Z');
/** `count` lines, each at its own moment (a line is identified by session, time and speaker). */
const lines = (count: number, text = 'I search the room.') =>
  Array.from({ length: count }, () => ({ speaker_id: snowflake(), speaker_name: 'Vex', text, at: new Date(clock++).toISOString() }));

const stored = async (tenant: string, id: string) =>
  (await withTenant(db, tenant, (tx) => tx.select({ n: sql<number>`count(*)::int` }).from(sessionEntries).where(eq(sessionEntries.sessionId, id))))[0]!.n;

const refusals = (node: TestNode, id: string) => node.received.filter((m): m is EdgeError => m.type === 'error' && m.session_id === id);

afterAll(async () => {
  for (const node of nodes) node.close();
  for (const tenant of tenants) await admin('DELETE', `/tenants/${tenant}`);
});

describe("a node's transcript flood", () => {
  it("takes a session's budget, refuses the rest by batch for resending, and stores each accepted line once", async () => {
    const owner = await tenantWithNode();
    const { tenant, node } = owner;
    const id = await session(owner);
    const batches = Array.from({ length: 10 }, (_, i) => ({ seq: i + 1, entries: lines(100) }));
    for (const batch of batches) node.send({ type: 'transcript', session_id: id, ...batch });
    const accepted = TRANSCRIPT_SESSION_BUDGET.burst / 100;
    await eventually('the refusals', () => refusals(node, id).length === batches.length - accepted);
    const refused = refusals(node, id);
    expect(refused.map((r) => r.seq)).toEqual(batches.slice(accepted).map((b) => b.seq));
    for (const r of refused) {
      expect(r).toMatchObject({ code: 'rate_limited', request_type: 'transcript', session_id: id });
      // A whole batch at the session's rate.
      expect(r.retry_after_ms).toBeGreaterThan(0);
      expect(r.retry_after_ms).toBeLessThanOrEqual((100 / TRANSCRIPT_SESSION_BUDGET.linesPerSecond) * 1000);
    }
    await eventually('the accepted lines stored', async () => (await stored(tenant, id)) === accepted * 100);

    // A batch that was accepted, sent again, adds nothing; the refused ones are the node's to resend.
    node.send({ type: 'transcript', session_id: id, ...batches[0]! });
    await new Promise((r) => setTimeout(r, 300));
    expect(await stored(tenant, id)).toBe(accepted * 100);
  });

  it("does not spend another node's or another session's budget, and bounds a node's sessions together", async () => {
    const flooder = await tenantWithNode();
    const calm = await tenantWithNode();
    const sessions: string[] = [];
    for (let i = 0; i <= TRANSCRIPT_NODE_BUDGET.burst / 100; i++) sessions.push(await session(flooder));
    const quiet = await session(calm);
    // Each of the flooder's sessions sends one full batch: within its own budget, not all within the node's.
    for (const id of sessions) flooder.node.send({ type: 'transcript', session_id: id, seq: 1, entries: lines(100) });
    calm.node.send({ type: 'transcript', session_id: quiet, seq: 1, entries: lines(100) });
    await eventually('the quiet session stored', async () => (await stored(calm.tenant, quiet)) === 100);
    expect(refusals(calm.node, quiet)).toEqual([]);
    const refused = await eventually('the batch over the node budget refused', () => {
      const found = sessions.flatMap((id) => refusals(flooder.node, id));
      return found.length > 0 && found;
    });
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ code: 'rate_limited', seq: 1 });
  });

  it('refuses a batch over the byte bound as invalid, naming transcript', async () => {
    const owner = await tenantWithNode();
    const { node } = owner;
    const id = await session(owner);
    node.send({ type: 'transcript', session_id: id, seq: 1, entries: lines(20, 'x'.repeat(MAX_TEXT_LENGTH)) });
    const error = await node.next((m) => m.type === 'error');
    expect(error).toMatchObject({ code: 'invalid_message', request_type: 'transcript', message: expect.stringMatching(/exceeds 65536 bytes/) });
  });
});

describe('the admin API of another tenant', () => {
  it('answers while a node floods', async () => {
    const owner = await tenantWithNode();
    const { node } = owner;
    const id = await session(owner);
    const other = uniqueTenantId('calm');
    tenants.push(other);
    await admin('POST', '/tenants', { id: other });
    for (let i = 0; i < 50; i++) node.send({ type: 'transcript', session_id: id, seq: i + 1, entries: lines(100) });
    for (let i = 0; i < 5; i++) expect((await admin('GET', `/tenants/${other}/sessions`)).status).toBe(200);
    await eventually('the flood refused', () => refusals(node, id).length === 50 - TRANSCRIPT_SESSION_BUDGET.burst / 100, { timeoutMs: 10_000 });
    expect((await admin('GET', `/tenants/${other}`)).status).toBe(200);
  });
});
