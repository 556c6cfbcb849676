/**
 * A transcript flood against the real Worker under `wrangler dev`: one node sends 500
 * batches of 100 lines (~6 MB) for one session as fast as its socket takes them, while
 * another tenant's admin API is timed, before and during the flood.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDb } from '../db/src/client.ts';
import { generateKeySpec } from '../edge/src/secrets/keyring.ts';
import { writeWorkerEnv } from '../scripts/lib/install-secrets.ts';
import { freePort } from '../scripts/lib/ports.ts';
import type { Child } from '../scripts/lib/processes.ts';
import { startEdge } from '../scripts/lib/system.ts';
import { sql } from 'drizzle-orm';
import { HttpClient } from './lib/http-client.ts';
import { SimulatedNode } from './lib/simulated-node.ts';
import { ms, percentile, type Row } from './lib/stats.ts';
import { workerdPort } from './lib/workerd-port.ts';
import { scratchDir } from './lib/scratch-dir.ts';

const ROOT = resolve(import.meta.dirname, '..');
const ADMIN_KEY = 'bench-admin-key';
const BATCHES = 500;
const LINES = 100;
const WARM_UP = 50;
/** The flood is over once no refusal has come for this long (or, whatever happens, after MAX_FLOOD_MS). */
const SETTLED_MS = 2000;
const MAX_FLOOD_MS = 120_000;

export async function floodBenchmarks(databaseUrl: string): Promise<Row[]> {
  const dir = scratchDir('gx-bench-flood-');
  const envFile = join(dir, 'worker.env');
  writeWorkerEnv(envFile, { ADMIN_KEY, SECRET_KEYS: generateKeySpec('k1') });
  const port = await freePort();
  let edge: Child | undefined;
  let node: SimulatedNode | undefined;
  const admin = { client: undefined as HttpClient | undefined };
  const rows: Row[] = [];
  const record = (row: Row) => {
    rows.push(row);
    console.log(`measured: ${row.benchmark}: ${row.result}`);
  };
  try {
    edge = await startEdge({ root: ROOT, port, databaseUrl, stateDir: join(dir, 'state'), envFile, stdio: 'ignore' });
    const edgeUrl = `http://127.0.0.1:${await workerdPort(edge.pid, port)}`;
    const client = (admin.client = new HttpClient(`${edgeUrl}/admin`, { authorization: `Bearer ${ADMIN_KEY}` }));
    const api = async (method: string, path: string, body?: object) => {
      const res = await client.call(method, path, body);
      if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res;
    };

    await api('POST', '/tenants', { id: 'bench-flood', license_tier: 'dedicated', tier: 'guild' });
    await api('POST', '/tenants', { id: 'bench-calm' });
    node = await SimulatedNode.connect(edgeUrl, (await api('POST', '/nodes', { pool: 'bench-flood' })).body.token, 10);
    const session = (await api('POST', '/tenants/bench-flood/sessions?wait=active', { guild_id: '100000000000000001', channel_id: '100000000000000002', started_by: '100000000000000003' })).body.session;

    // The other tenant's dashboard: its sessions and its usage, read in turn.
    const calmCall = (i: number) => api('GET', i % 2 === 0 ? '/tenants/bench-calm/sessions' : '/tenants/bench-calm/usage');
    const timeCalm = async (until: () => boolean, atMost: number) => {
      const timings: number[] = [];
      for (let i = 0; timings.length < atMost && until(); i++) {
        const started = performance.now();
        await calmCall(i);
        timings.push(performance.now() - started);
      }
      return timings;
    };
    console.error('  flood: session active; timing the other tenant without a flood');
    await timeCalm(() => true, WARM_UP);
    const quiet = await timeCalm(() => true, 400);
    record({ benchmark: "another tenant's admin API p50 / p99, no flood", result: `${ms(percentile(quiet, 50))} / ${ms(percentile(quiet, 99))}`, target: '-', met: null });

    let clock = Date.parse('2026-12-02T20:00:00Z');
    const batch = (seq: number) => ({
      type: 'transcript',
      session_id: session.id,
      seq,
      entries: Array.from({ length: LINES }, (_, i) => ({ speaker_id: `p${i % 5}`, speaker_name: 'Player', text: 'I search the chest for traps, then I open it and look inside carefully.', at: new Date(clock++).toISOString() })),
    });
    const frames = Array.from({ length: BATCHES }, (_, i) => JSON.stringify(batch(i + 1)));
    const bytes = frames.reduce((n, f) => n + f.length, 0);

    let lastRefusalAt = performance.now();
    let seen = 0;
    const floodStarted = performance.now();
    console.error(`  flood: sending ${BATCHES} batches`);
    for (const frame of frames) node.ws.send(frame);
    const settled = () => {
      if (node!.transcriptRefusals !== seen) {
        seen = node!.transcriptRefusals;
        lastRefusalAt = performance.now();
      }
      return performance.now() - lastRefusalAt < SETTLED_MS && performance.now() - floodStarted < MAX_FLOOD_MS;
    };
    const during = await timeCalm(settled, Number.POSITIVE_INFINITY);
    const floodMs = lastRefusalAt - floodStarted;

    const { db, close } = createDb(databaseUrl, { max: 1 });
    let storedLines = 0;
    try {
      const result = (await db.execute(sql`select count(*)::int as n from session_entries where session_id = ${session.id}`)) as unknown as Array<{ n: number }>;
      storedLines = result[0]!.n;
    } finally {
      await close();
    }
    const refused = node.transcriptRefusals;
    const accepted = storedLines / LINES;
    record({
      benchmark: `another tenant's admin API p50 / p99 during a ${BATCHES} x ${LINES}-line flood (${(bytes / 1e6).toFixed(1)} MB, ${during.length} calls)`,
      result: `${ms(percentile(during, 50))} / ${ms(percentile(during, 99))}`,
      target: 'p99 < 2x no flood',
      met: percentile(during, 99) < 2 * percentile(quiet, 99),
    });
    record({
      benchmark: 'flood batches stored / refused for resending / unaccounted',
      result: `${accepted} / ${refused} / ${BATCHES - accepted - refused} (answered within ${ms(floodMs)})`,
      target: 'none unaccounted',
      met: accepted + refused === BATCHES,
    });
  } finally {
    node?.close();
    admin.client?.close();
    await edge?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
