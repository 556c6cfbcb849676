/**
 * The idle cost of a live session: with N sessions running on simulated nodes and nothing
 * happening but heartbeats, deadline checks and usage flushes, the workerd CPU and the
 * Postgres transactions per live session per minute, over a window as long as a flush
 * period (so each coordinator's flush falls in it once), projected to 10,000 and 100,000.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { freePort } from '../scripts/lib/ports.ts';
import { describeProfile, profileWorker } from './lib/cpu-profile.ts';
import { startBenchEdge, startOneSessionEach, stopSessionsOf, type AdminApi } from './lib/bench-edge.ts';
import { cpuSeconds, processesInGroup } from './lib/process-cpu.ts';
import { SimulatedNode } from './lib/simulated-node.ts';
import { pool, type Row } from './lib/stats.ts';

/** Sessions a simulated node runs at most; nodes are added so the pool has a fifth spare. */
const NODE_CAPACITY = 25;
const SESSIONS_PER_NODE = 20;
/**
 * Starts in flight at once: twice the sweep's 8, so 5,000 sessions start in minutes on a loaded
 * machine too; each holds one Postgres connection at most, through the pooler (60 of the shared 100).
 */
const START_CONCURRENCY = 16;
/** The default flush period (edge/src/durable/config.ts): each coordinator flushes once in a window this long. */
const DEFAULT_WINDOW_S = 300;
/**
 * The window opens this long after the last start: the sweep's tail (activations written
 * through, connections let go, Postgres reporting its statistics up to ~10 s late) is not idling.
 * With sweeps shorter than the flush period less this, each coordinator's flush falls in the window once.
 */
const SETTLE_S = 30;
/** Cost per live session per minute, as the table prints it. */
const perSessionMinute = (total: number, sessions: number, seconds: number) => total / sessions / (seconds / 60);

/**
 * `profileSeconds`: after each window, a CPU profile of the Worker's isolate that long (not
 * in the window: the profiler costs CPU too), written to a `.cpuprofile` and summarised.
 * `heartbeatIntervalMs`: the Worker's HEARTBEAT_INTERVAL_MS (the nodes beat as it tells them), to weigh another interval;
 * `alarmIntervalMs` its ALARM_INTERVAL_MS (a rarer sweep leaves an idle Fleet longer quiet, to hibernate).
 */
export async function idleCostBenchmarks(databaseUrl: string, options: { sessions: number[]; windowSeconds?: number; profileSeconds?: number; heartbeatIntervalMs?: number; alarmIntervalMs?: number }): Promise<Row[]> {
  const windowSeconds = options.windowSeconds ?? DEFAULT_WINDOW_S;
  const rows: Row[] = [];
  const record = (row: Row) => {
    rows.push(row);
    console.log(`measured: ${row.benchmark}: ${row.result}`);
  };
  const stats = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const database = new URL(databaseUrl).pathname.slice(1);
  const commits = async () => {
    // A fresh snapshot each read: pg_stat views are otherwise frozen within a transaction.
    const [row] = await stats`select pg_stat_clear_snapshot(), xact_commit::bigint as n from pg_stat_database where datname = ${database}`;
    return Number(row!.n);
  };
  const inspectorPort = options.profileSeconds ? await freePort() : undefined;
  const vars = {
    ...(options.heartbeatIntervalMs && { HEARTBEAT_INTERVAL_MS: String(options.heartbeatIntervalMs) }),
    ...(options.alarmIntervalMs && { ALARM_INTERVAL_MS: String(options.alarmIntervalMs) }),
  };
  const bench = await startBenchEdge(databaseUrl, { inspectorPort, vars });
  const nodes: SimulatedNode[] = [];
  try {
    const workerd = processesInGroup(bench.edge.pid, 'workerd');
    for (const count of options.sessions) {
      const needed = Math.ceil(count / SESSIONS_PER_NODE) - nodes.length;
      const tokens = await pool(Array.from({ length: Math.max(0, needed) }, (_, i) => i), 16, () => registerNode(bench.api));
      nodes.push(...(await pool(tokens, 16, (token) => connectRetrying(bench.edgeUrl, token))));
      const ids = Array.from({ length: count }, (_, i) => `idle-${count}-${i}`);
      const sweep = await startOneSessionEach(bench.api, ids, START_CONCURRENCY);
      const live = await liveSessions(bench.api);
      console.error(`  ${live} live sessions on ${nodes.length} nodes (${sweep.errors} starts refused); measuring ${windowSeconds} s of idling after ${SETTLE_S} s`);
      await new Promise((r) => setTimeout(r, SETTLE_S * 1000));

      const cpuBefore = cpuSeconds(workerd);
      const commitsBefore = await commits();
      const started = performance.now();
      await new Promise((r) => setTimeout(r, windowSeconds * 1000));
      const seconds = (performance.now() - started) / 1000;
      const cpu = cpuSeconds(workerd) - cpuBefore;
      // Less the first read's own transaction.
      const transactions = (await commits()) - commitsBefore - 1;
      const liveAfter = await liveSessions(bench.api);

      const label = `${live.toLocaleString('en')} live`;
      const cpuMs = perSessionMinute(cpu * 1000, live, seconds);
      const txPerMinute = perSessionMinute(transactions, live, seconds);
      record({ benchmark: `idle: workerd CPU per live session per minute (${label}, ${nodes.length} nodes)`, result: `${cpuMs.toFixed(2)} ms (${((cpu / seconds) * 100).toFixed(1)} % of a core in all)`, target: '-', met: null });
      record({ benchmark: `idle: database transactions per live session per minute (${label})`, result: `${txPerMinute.toFixed(3)} (${(transactions / seconds).toFixed(1)}/s in all)`, target: '<= 0.2 (once in 5 min)', met: txPerMinute <= 0.2 });
      for (const projected of [10_000, 100_000]) {
        const core = (cpuMs * projected) / 60_000;
        record({
          benchmark: `idle: projected to ${projected.toLocaleString('en')} live sessions (from ${label})`,
          result: `${(core * 100).toFixed(1)} % of a core, ${((txPerMinute * projected) / 60).toFixed(0)} transactions/s`,
          target: projected === 10_000 ? '< 25 % of a core' : '-',
          met: projected === 10_000 ? core < 0.25 : null,
        });
      }
      record({ benchmark: `idle: sessions still live after the window (${label})`, result: liveAfter.toLocaleString('en'), target: String(live), met: liveAfter === live });
      if (inspectorPort && options.profileSeconds) {
        const { profile, summary } = await profileWorker(inspectorPort, () => new Promise((resolve) => setTimeout(resolve, options.profileSeconds! * 1000)));
        const file = join(tmpdir(), `idle-cost-${count}-${Date.now()}.cpuprofile`);
        writeFileSync(file, JSON.stringify(profile));
        console.error(`  CPU profile of ${options.profileSeconds} s idling at ${label} (${file}):\n${describeProfile(summary)}`);
      }
      await stopSessionsOf(bench.api, ids);
    }
  } finally {
    for (const n of nodes) n.close();
    await bench.close();
    await stats.end();
  }
  return rows;
}

/** A simulated node; an upgrade refused on a loaded machine (its token check waits on Postgres) is tried again, 5 times at most. */
async function connectRetrying(edgeUrl: string, token: string): Promise<SimulatedNode> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await SimulatedNode.connect(edgeUrl, token, NODE_CAPACITY);
    } catch (error) {
      if (attempt === 5) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** A node registered in the shared pool: its token. A refusal on a loaded machine (the database slow or full) is tried again, 5 times at most. */
async function registerNode(api: AdminApi): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const res = await api('POST', '/nodes', { pool: 'shared' });
    if (res.status === 201 && typeof res.body?.token === 'string') return res.body.token;
    if (attempt === 5) throw new Error(`registering a node: ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Sessions placed on the pool's nodes, as the Fleet counts them. */
async function liveSessions(api: AdminApi): Promise<number> {
  const res = await api('GET', '/nodes');
  return (res.body.nodes as Array<{ load: number }>).reduce((sum, n) => sum + n.load, 0);
}
