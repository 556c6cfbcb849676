/**
 * Control-plane benchmarks, against the real Worker and Durable Objects under
 * `wrangler dev` on this machine, with real and simulated voice nodes.
 */
import type { Child } from '../scripts/lib/processes.ts';
import { startVoiceNode } from '../scripts/lib/system.ts';
import { ROOT, snowflake, startBenchEdge, startOneSessionEach, stopSessionsOf, waitConnected, type BenchEdge } from './lib/bench-edge.ts';
import { SimulatedNode } from './lib/simulated-node.ts';
import { ms, percentile, pool, type Row } from './lib/stats.ts';

const WARM_UP = 20;

export async function controlPlaneBenchmarks(databaseUrl: string, sizes: { tenants: number[] }): Promise<Row[]> {
  let bench: BenchEdge | undefined;
  let voiceNode: Child | undefined;
  const simulated: SimulatedNode[] = [];
  const rows: Row[] = [];
  // Each figure is printed as soon as it is measured, so a long sweep cut short keeps the rest.
  const record = (row: Row) => {
    rows.push(row);
    console.log(`measured: ${row.benchmark}: ${row.result}`);
  };
  try {
    bench = await startBenchEdge(databaseUrl);
    const { edgeUrl, api } = bench;

    // A real voice node (Bun) for the latency figures.
    await api('POST', '/tenants', { id: 'bench-latency', tier: 'guild', max_concurrent_sessions: 100 });
    const node = await api('POST', '/nodes', { pool: 'bench-latency' });
    await api('PUT', '/tenants/bench-latency', { license_tier: 'dedicated' });
    voiceNode = startVoiceNode({ root: ROOT, edgeUrl, token: node.body.token, capacity: 50, stdio: 'ignore' });
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
      const { perSecond, errors } = await startOneSessionEach(api, ids);
      record({ benchmark: `starts/s across ${count.toLocaleString('en')} tenants (one session each)`, result: `${perSecond.toFixed(0)}/s, ${errors} errors`, target: 'no error', met: errors === 0 });
      // Free the capacity for the next round.
      await stopSessionsOf(api, ids);
    }
  } finally {
    for (const n of simulated) n.close();
    await voiceNode?.stop();
    await bench?.close();
  }
  return rows;
}
