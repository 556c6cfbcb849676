/**
 * Control-plane benchmarks, against the real Worker and Durable Objects under
 * `wrangler dev` on this machine, with real and simulated voice nodes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateKeySpec } from '../edge/src/secrets/keyring.ts';
import { writeWorkerEnv } from '../scripts/lib/install-secrets.ts';
import { freePort } from '../scripts/lib/ports.ts';
import type { Child } from '../scripts/lib/processes.ts';
import { startEdge, startVoiceNode } from '../scripts/lib/system.ts';
import { HttpClient, type HttpReply } from './lib/http-client.ts';
import { SimulatedNode } from './lib/simulated-node.ts';
import { ms, percentile, pool, type Row } from './lib/stats.ts';
import { workerdPort } from './lib/workerd-port.ts';

const ROOT = resolve(import.meta.dirname, '..');
const ADMIN_KEY = 'bench-admin-key';
const WARM_UP = 20;
const snowflake = (n: number) => String(100000000000000000n + BigInt(n));

export async function controlPlaneBenchmarks(databaseUrl: string, sizes: { tenants: number[] }): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gx-bench-'));
  const envFile = join(dir, 'worker.env');
  writeWorkerEnv(envFile, { ADMIN_KEY, SECRET_KEYS: generateKeySpec('k1') });
  const port = await freePort();
  const children: Child[] = [];
  let client: HttpClient | undefined;
  const simulated: SimulatedNode[] = [];
  const rows: Row[] = [];
  // Each figure is printed as soon as it is measured, so a long sweep cut short keeps the rest.
  const record = (row: Row) => {
    rows.push(row);
    console.log(`measured: ${row.benchmark}: ${row.result}`);
  };
  try {
    const edge = await startEdge({ root: ROOT, port, databaseUrl, stateDir: join(dir, 'state'), envFile, stdio: 'ignore' });
    children.push(edge);
    // Everything talks to workerd's own port: wrangler's proxy in front of it is a local
    // development hop (~1-2 ms a request, more in the tail) that production does not have.
    const edgeUrl = `http://127.0.0.1:${await workerdPort(edge.pid, port)}`;
    const admin = new HttpClient(`${edgeUrl}/admin`, { authorization: `Bearer ${ADMIN_KEY}` });
    client = admin;
    const api = (method: string, path: string, body?: object) => admin.call(method, path, body);

    // A real voice node (Bun) for the latency figures.
    await api('POST', '/tenants', { id: 'bench-latency', tier: 'guild', max_concurrent_sessions: 100 });
    const node = await api('POST', '/nodes', { pool: 'bench-latency' });
    await api('PUT', '/tenants/bench-latency', { license_tier: 'dedicated' });
    children.push(startVoiceNode({ root: ROOT, edgeUrl, token: node.body.token, capacity: 50, stdio: 'ignore' }));
    await waitConnected(api, node.body.node_id);

    const startToActive: number[] = [];
    // The first WARM_UP starts compile the Worker's and the node's code paths; they are not kept.
    for (let i = 0; i < WARM_UP + 200; i++) {
      const started = performance.now();
      // One request: the edge answers once the node has reported the session active.
      const res = await api('POST', '/tenants/bench-latency/sessions?wait=active', { guild_id: snowflake(i), channel_id: snowflake(i), started_by: snowflake(1) });
      if (res.status !== 201) throw new Error(`start failed: ${JSON.stringify(res.body)}`);
      const session = res.body.session;
      if (session.state !== 'active') throw new Error(`session ${session.id} did not become active: ${session.state}`);
      if (i >= WARM_UP) startToActive.push(performance.now() - started);
      await api('POST', `/sessions/${session.id}/stop`);
    }
    record({ benchmark: 'start -> active p50 (real node)', result: ms(percentile(startToActive, 50)), target: '-', met: null });
    record({ benchmark: 'start -> active p99 (real node)', result: ms(percentile(startToActive, 99)), target: '< 50 ms', met: percentile(startToActive, 99) < 50 });

    const live = await api('POST', '/tenants/bench-latency/sessions', { guild_id: snowflake(9999), channel_id: snowflake(1), started_by: snowflake(1) });
    await new Promise((r) => setTimeout(r, 200));
    const roundTrips: number[] = [];
    for (let i = 0; i < WARM_UP + 1000; i++) {
      const started = performance.now();
      const res = await api('POST', `/sessions/${live.body.session.id}/npc`, { action: 'list' });
      if (res.status !== 200) throw new Error(`npc command failed: ${JSON.stringify(res.body)}`);
      if (i >= WARM_UP) roundTrips.push(performance.now() - started);
    }
    record({ benchmark: 'npc_command round trip p50 (edge + real node)', result: ms(percentile(roundTrips, 50)), target: '-', met: null });
    record({ benchmark: 'npc_command round trip p99 (edge + real node)', result: ms(percentile(roundTrips, 99)), target: '< 20 ms', met: percentile(roundTrips, 99) < 20 });

    // 1,000 simulated nodes heartbeating into one Fleet (the shared pool).
    const tokens = await pool(Array.from({ length: 1000 }, (_, i) => i), 16, async () => (await api('POST', '/nodes', { pool: 'shared' })).body.token as string);
    const fleetNodes = await pool(tokens, 50, (token) => SimulatedNode.connect(edgeUrl, token, 20));
    simulated.push(...fleetNodes);
    const perNode = 50;
    const hbStarted = performance.now();
    await Promise.all(fleetNodes.map((n) => n.heartbeats(perNode)));
    const heartbeatsPerSecond = (fleetNodes.length * perNode) / ((performance.now() - hbStarted) / 1000);
    record({ benchmark: 'heartbeats/s absorbed by one Fleet DO (1,000 nodes)', result: heartbeatsPerSecond.toFixed(0), target: '>= 5,000', met: heartbeatsPerSecond >= 5000 });

    for (const count of sizes.tenants) {
      const ids = Array.from({ length: count }, (_, i) => `bench-${count}-${i}`);
      await pool(ids, 8, async (id) => {
        const res = await api('POST', '/tenants', { id });
        if (res.status !== 201) throw new Error(`creating ${id}: ${JSON.stringify(res.body)}`);
      });
      let errors = 0;
      const started = performance.now();
      let done = 0;
      await pool(ids, 8, async (id, i) => {
        // A dropped connection counts as an error like a refusal; the sweep goes on.
        const res = await api('POST', `/tenants/${id}/sessions`, { guild_id: snowflake(i), channel_id: snowflake(i), started_by: snowflake(i) }).catch(
          (error: Error) => ({ status: 0, body: error.message }),
        );
        if (res.status !== 201) {
          if (errors++ < 5) console.error(`start for ${id} refused: ${res.status} ${JSON.stringify(res.body)}`);
        }
        // A long sweep says how far it got.
        if (++done % 1000 === 0) console.error(`  ${done}/${count} started, ${(done / ((performance.now() - started) / 1000)).toFixed(0)}/s, ${errors} errors`);
      });
      const perSecond = count / ((performance.now() - started) / 1000);
      record({ benchmark: `starts/s across ${count.toLocaleString('en')} tenants (one session each)`, result: `${perSecond.toFixed(0)}/s, ${errors} errors`, target: 'no error', met: errors === 0 });
      // Free the capacity for the next round.
      await pool(ids, 32, async (id) => {
        const live = await api('GET', `/tenants/${id}/sessions?state=active`);
        for (const s of live.body.sessions ?? []) await api('POST', `/sessions/${s.id}/stop`);
      });
    }
  } finally {
    for (const n of simulated) n.close();
    client?.close();
    for (const child of children.reverse()) await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

async function waitConnected(api: (m: string, p: string) => Promise<HttpReply>, nodeId: string) {
  for (let i = 0; i < 200; i++) {
    const nodes = await api('GET', '/nodes');
    if (nodes.body.nodes.some((n: { node_id: string; connected: boolean }) => n.node_id === nodeId && n.connected)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`node ${nodeId} never connected`);
}
