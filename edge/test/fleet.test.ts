import { env } from 'cloudflare:workers';
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorOf, fleetOf } from '../src/durable/stubs.ts';
import { admin, snowflake, uniqueTenantId } from './helpers/admin.ts';
import { eventually } from './helpers/eventually.ts';
import { TestNode } from './helpers/test-node.ts';

// The test Worker's heartbeat timeout (vitest.config.ts); the Fleet stores listings a third of it apart.
const TIMEOUT_MS = 1500;

const start = async (tenantId: string) => {
  const res = await admin('POST', `/tenants/${tenantId}/sessions`, { guild_id: snowflake(), channel_id: snowflake(), started_by: snowflake() });
  return res;
};

async function connectNodes(pool: string, capacities: number[]): Promise<TestNode[]> {
  const nodes: TestNode[] = [];
  for (const capacity of capacities) nodes.push(await TestNode.connect((await admin('POST', '/nodes', { pool })).body.token, { capacity }));
  return nodes;
}

/** Sessions placed per node of the pool, as operators see them. */
async function loads(pool: string): Promise<Record<string, number>> {
  const nodes = (await admin('GET', '/nodes')).body.nodes as Array<{ node_id: string; pool: string; load: number }>;
  return Object.fromEntries(nodes.filter((n) => n.pool === pool).map((n) => [n.node_id, n.load]));
}

describe('placement across the nodes of a pool', () => {
  const tenant = uniqueTenantId('spread');
  let nodes: TestNode[];

  beforeAll(async () => {
    await admin('POST', '/tenants', { id: tenant, license_tier: 'dedicated', max_concurrent_sessions: 10 });
    nodes = await connectNodes(tenant, [1, 2, 2]);
  });
  afterAll(() => nodes.forEach((n) => n.close()));

  it('fills the least loaded node first, skips a draining one, and refuses once the rest are full', async () => {
    const [a, b, c] = nodes as [TestNode, TestNode, TestNode];
    for (let i = 0; i < 3; i++) expect((await start(tenant)).status).toBe(201);
    // However the first went, three starts on nodes of capacity 1, 2 and 2 leave one on each.
    expect(await loads(tenant)).toEqual({ [a.nodeId]: 1, [b.nodeId]: 1, [c.nodeId]: 1 });

    await admin('POST', `/nodes/${c.nodeId}/drain`);
    const fourth = await start(tenant);
    expect(fourth.body.session.node_id).toBe(b.nodeId);
    expect(await loads(tenant)).toEqual({ [a.nodeId]: 1, [b.nodeId]: 2, [c.nodeId]: 1 });

    // The draining node still has room; nothing else has.
    const fifth = await start(tenant);
    expect(fifth.status).toBe(503);
    expect(fifth.body.error.code).toBe('no_voice_capacity');
    expect(c.received.filter((m) => m.type === 'start_session')).toHaveLength(1);
  });
});

describe("placement keeps a tenant's sessions together on a tie", () => {
  let nodes: TestNode[];
  beforeAll(async () => {
    nodes = await connectNodes('shared', [3, 3]);
  });
  afterAll(() => nodes.forEach((n) => n.close()));

  it("puts each tenant's sessions on the node already holding its bot, where loads are equal", async () => {
    const one = uniqueTenantId('tie-1');
    const two = uniqueTenantId('tie-2');
    await admin('POST', '/tenants', { id: one, tier: 'dungeon_master' });
    await admin('POST', '/tenants', { id: two, tier: 'dungeon_master' });
    // one, two: a node each; then one and two again, alternately meeting a tie and the least loaded.
    const placed: Record<string, string[]> = { [one]: [], [two]: [] };
    for (const tenantId of [one, two, one, two, two]) {
      const res = await start(tenantId);
      expect(res.status).toBe(201);
      placed[tenantId]!.push(res.body.session.node_id);
    }
    expect(new Set(placed[one]).size).toBe(1);
    expect(new Set(placed[two]).size).toBe(1);
    expect(placed[one]![0]).not.toBe(placed[two]![0]);
  });
});

describe('a Fleet that restarts', () => {
  const tenant = uniqueTenantId('restart');
  let token: string;
  let node: TestNode;
  beforeAll(async () => {
    await admin('POST', '/tenants', { id: tenant, license_tier: 'dedicated' });
    token = (await admin('POST', '/nodes', { pool: tenant })).body.token;
    node = await TestNode.connect(token);
  });
  afterAll(() => node.close());

  /** A heartbeat, and proof the Fleet handled it: it also names a session nobody placed, which the Fleet stops. */
  async function heartbeat(sessionIds: string[]) {
    const stray = crypto.randomUUID();
    node.send({ type: 'heartbeat', sessions: [...sessionIds, stray] });
    await node.next((m) => m.type === 'stop_session' && m.session_id === stray);
    return Date.now();
  }

  const storedListing = (sessionId: string) =>
    runInDurableObject(fleetOf(env, tenant), (_fleet, state) => state.storage.sql.exec<{ at: number }>('select at from listed where session_id = ?', sessionId).toArray()[0]?.at ?? null);

  it('knows when each session was last listed, to within a third of the timeout, without a write per heartbeat', async () => {
    const id = (await start(tenant)).body.session.id as string;
    const coordinator = coordinatorOf(env, tenant);
    await eventually('the session active', async () => (await coordinator.liveSessions())[0]?.state === 'active');
    // The placement is the first listing.
    const placedAt = (await storedListing(id))!;
    expect(placedAt).not.toBeNull();
    let heartbeatAt = await heartbeat([id]);
    while (heartbeatAt - placedAt < TIMEOUT_MS / 3) {
      expect(await storedListing(id)).toBe(placedAt);
      heartbeatAt = await heartbeat([id]);
    }
    // The heartbeat a third of the timeout after the last stored listing is stored (as the
    // Fleet's clock read it: workerd's clocks move with I/O, so not compared with the test's send;
    // under load the Fleet may read the one the test sent past the third as before it, so the next one).
    while ((await storedListing(id)) === placedAt && heartbeatAt - placedAt < TIMEOUT_MS) heartbeatAt = await heartbeat([id]);
    const stored = (await storedListing(id))!;
    expect(stored).toBeGreaterThanOrEqual(placedAt + TIMEOUT_MS / 3);
    expect(stored).toBeLessThanOrEqual(heartbeatAt);
    // Heartbeats for the next third change nothing stored (one handled late, past the third, may).
    while (Date.now() - stored < TIMEOUT_MS / 3 - 100) {
      await heartbeat([id]);
      const listed = (await storedListing(id))!;
      if (listed !== stored) expect(listed).toBeGreaterThanOrEqual(stored + TIMEOUT_MS / 3);
    }

    // Every object restarts (a deploy): the node's socket drops; it comes back without the session (it restarted too).
    const dropped = new Promise((resolve) => node.ws.addEventListener('close', resolve));
    const restartedAt = Date.now();
    await abortAllDurableObjects();
    await dropped;
    node = await TestNode.connect(token);
    await heartbeat([]);

    const ended = await eventually(
      'the session ended',
      async () => {
        await runDurableObjectAlarm(coordinatorOf(env, tenant));
        const session = (await admin('GET', `/tenants/${tenant}/sessions`)).body.sessions.find((s: { id: string }) => s.id === id);
        return session.state === 'ended' ? session : undefined;
      },
      { timeoutMs: 4 * TIMEOUT_MS },
    );
    expect(ended.end_reason).toBe('node_lost');
    const endedAt = Date.parse(ended.ended_at);
    // Not before the deadline of the listing the Fleet stored (a later sign than the coordinator's own) ...
    expect(endedAt).toBeGreaterThanOrEqual(stored + TIMEOUT_MS);
    // ... and counted from it: the restarted Fleet did not start the session's clock again.
    expect(endedAt).toBeLessThan(restartedAt + TIMEOUT_MS);
  });

  it('gives a node a moment to reconnect after the restart before its sessions count as lost', async () => {
    const id = (await start(tenant)).body.session.id as string;
    // A stub does not outlive the restart: each call takes a fresh one.
    const coordinator = () => coordinatorOf(env, tenant);
    await eventually('the session active', async () => (await coordinator().liveSessions()).some((s) => s.id === id && s.state === 'active'));
    await heartbeat([id]);
    const dropped = new Promise((resolve) => node.ws.addEventListener('close', resolve));
    await abortAllDurableObjects();
    await dropped;
    // The edge took longer than the timeout to come back: every stored sign of the session is stale.
    const stale = (await storedListing(id))! + TIMEOUT_MS;
    while (Date.now() <= stale) await new Promise((resolve) => setTimeout(resolve, 50));
    // Reading the listing woke the Fleet, which started its grace: the edge comes back now, after the timeout.
    await abortAllDurableObjects();

    // The coordinator's deadline check wakes the Fleet before the node is back: the session stays.
    await runDurableObjectAlarm(coordinator());
    expect((await coordinator().liveSessions()).find((s) => s.id === id)?.state).toBe('active');
    // The node is back within the grace, still running it: the session lives on.
    node = await TestNode.connect(token);
    const heartbeatsUntil = (await heartbeat([id])) + TIMEOUT_MS / 2;
    while (Date.now() < heartbeatsUntil) await heartbeat([id]);
    await runDurableObjectAlarm(coordinator());
    expect((await coordinator().liveSessions()).find((s) => s.id === id)?.state).toBe('active');
  });
});

describe('a Fleet rebuilt between heartbeats (hibernated or evicted while its nodes are quiet)', () => {
  it("stores the listings of every node's heartbeat, not only the first of a burst's, so its nodes' sessions live on", async () => {
    const tenant = uniqueTenantId('rebuilt');
    await admin('POST', '/tenants', { id: tenant, license_tier: 'dedicated', max_concurrent_sessions: 2 });
    const tokens = [(await admin('POST', '/nodes', { pool: tenant })).body.token as string, (await admin('POST', '/nodes', { pool: tenant })).body.token as string];
    let nodes = await Promise.all(tokens.map((token) => TestNode.connect(token, { capacity: 1 })));
    try {
      const ids = [(await start(tenant)).body.session.id as string, (await start(tenant)).body.session.id as string];
      const coordinator = () => coordinatorOf(env, tenant);
      await eventually('both sessions active', async () => (await coordinator().liveSessions()).filter((s) => s.state === 'active').length === 2);
      const onNode = (node: TestNode) => ids.find((id) => node.received.some((m) => m.type === 'start_session' && m.session_id === id))!;
      const storedListing = (sessionId: string) =>
        runInDurableObject(fleetOf(env, tenant), (_fleet, state) => state.storage.sql.exec<{ at: number }>('select at from listed where session_id = ?', sessionId).toArray()[0]?.at ?? null);
      const placedAt = await Promise.all(ids.map(storedListing));

      // Each node heartbeats once a cycle, one right after the other (as nodes on one beat do), then the
      // Fleet is left quiet and loses its memory (every object restarts: as after hibernation, only what
      // it stored remains); the nodes reconnect. A cycle lasts longer than a third of the timeout, so every
      // session's listing is due for storage in each. For longer than the timeout, and then its sweep.
      const until = Date.now() + TIMEOUT_MS * 1.5;
      let cycles = 0;
      while (Date.now() < until || cycles < 3) {
        cycles++;
        const cycleEnds = Date.now() + TIMEOUT_MS / 3 + 100;
        for (const node of nodes) {
          const stray = crypto.randomUUID();
          node.send({ type: 'heartbeat', sessions: [onNode(node), stray] });
          await node.next((m) => m.type === 'stop_session' && m.session_id === stray);
        }
        await new Promise((resolve) => setTimeout(resolve, Math.max(150, cycleEnds - Date.now())));
        const dropped = nodes.map((node) => new Promise((resolve) => node.ws.addEventListener('close', resolve)));
        await abortAllDurableObjects();
        await Promise.all(dropped);
        const received = nodes.map((node) => node.received);
        nodes = await Promise.all(tokens.map((token) => TestNode.connect(token, { capacity: 1 })));
        // The reconnected nodes still run the sessions they were given.
        nodes.forEach((node, i) => node.received.unshift(...received[i]!.filter((m) => m.type === 'start_session')));
      }

      // Each session's stored listing moved on from its placement, the second node's too ...
      const stored = await Promise.all(ids.map(storedListing));
      stored.forEach((at, i) => expect(at).toBeGreaterThan(placedAt[i]!));
      // ... so the sweep, past the timeout since the placements, finds neither silent.
      await runDurableObjectAlarm(fleetOf(env, tenant));
      const live = await coordinator().liveSessions();
      expect(ids.map((id) => live.find((s) => s.id === id)?.state)).toEqual(['active', 'active']);
    } finally {
      nodes.forEach((node) => node.close());
    }
  });
});

describe("a pool's sweep for silent sessions", () => {
  it("ends a session its node stopped listing, by the Fleet's alarm: the coordinator does not wake for the deadline", async () => {
    const tenant = uniqueTenantId('sweep');
    await admin('POST', '/tenants', { id: tenant, license_tier: 'dedicated', max_concurrent_sessions: 5 });
    const [node] = await connectNodes(tenant, [2]);
    try {
      const id = (await start(tenant)).body.session.id as string;
      const coordinator = coordinatorOf(env, tenant);
      await eventually('the session active', async () => (await coordinator.liveSessions()).some((s) => s.id === id && s.state === 'active'));
      // The node never heartbeats. The coordinator's alarm is a minute off (the test Worker's ALARM_INTERVAL_MS):
      // the sweep after the timeout tells the coordinator, which ends it.
      const ended = await eventually(
        'the session ended by the sweep',
        async () => {
          await runDurableObjectAlarm(fleetOf(env, tenant));
          const session = (await admin('GET', `/tenants/${tenant}/sessions`)).body.sessions.find((s: { id: string }) => s.id === id);
          return session.state === 'ended' ? session : undefined;
        },
        { timeoutMs: 4 * TIMEOUT_MS },
      );
      expect(ended.end_reason).toBe('node_lost');
      expect(node!.received).toContainEqual(expect.objectContaining({ type: 'stop_session', session_id: id }));
      // Nothing placed any more: the sweep's alarm is not set again.
      await runDurableObjectAlarm(fleetOf(env, tenant));
      expect(await runInDurableObject(fleetOf(env, tenant), (_, state) => state.storage.getAlarm())).toBeNull();
    } finally {
      node!.close();
    }
  });
});
