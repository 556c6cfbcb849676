/**
 * The floor under the web API's CPU a request: a bench-only Worker (bench/floor/worker.ts)
 * under the same `wrangler dev` setup as the real one (scripts/lib/system.ts: workerd, the
 * local transaction pooler, the local trace collector off), three routes each adding one
 * piece of what the real list does: (i) a Hono route answering JSON, (ii) that plus a client
 * made by our createDb and one `select` through the pooler, (iii) that plus one Durable Object
 * RPC; and beside (ii) the same connection and `select` with no driver (the wire protocol
 * written by hand over workerd's socket), the runtime's own part of it. For each, workerd's
 * most requests a second and its CPU a request, this process's (the load generator and the
 * pooler) beside it, and (a)'s own load (1,000 connections, one request a second each),
 * both as autocannon makes it (every connection's request in the same millisecond) and spread
 * over the second as users make it (lib/paced-load.ts): whether (a) can be met at all on one
 * workerd thread with a Postgres connection a request.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../scripts/lib/ports.ts';
import type { Child } from '../scripts/lib/processes.ts';
import { startEdge } from '../scripts/lib/system.ts';
import { pacedLoad } from './lib/paced-load.ts';
import { cpuSeconds, processesInGroup, sameRuntimeAs } from './lib/process-cpu.ts';
import type { Row } from './lib/stats.ts';
import { workerdPort } from './lib/workerd-port.ts';
import { MAX_CONNECTIONS, MAX_SECONDS, OPEN_SECONDS, USERS } from './lib/web-load.ts';
import { scratchDir } from './lib/scratch-dir.ts';

const ROOT = resolve(import.meta.dirname, '..');
const WARM_SECONDS = 3;

const ROUTES = [
  { name: '(i) Hono route, JSON', path: '/floor/json' },
  { name: "(ii-wire) (i) + a connection through the pooler, one select, no driver (the wire protocol by hand over workerd's socket)", path: '/floor/socket' },
  { name: '(ii) (i) + createDb, a connection through the pooler, one select', path: '/floor/db' },
  { name: '(iii) (ii) + one Durable Object RPC', path: '/floor/db-do' },
];
/** What the real route cannot do without: a connection a request through postgres.js and one RPC. */
const FLOOR = ROUTES[3]!;

const f1 = (n: number) => n.toFixed(1);
const progress = (line: string) => process.stderr.write(`web-api floor: ${line}\n`);

function load(url: string, options: { connections: number; connectionRate?: number; duration: number }): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => autocannon({ url, ...options }, (error, result) => (error ? reject(error) : resolve(result))));
}

export async function webApiFloorBenchmarks(databaseUrl: string): Promise<Row[]> {
  const dir = scratchDir('gx-bench-floor-');
  const envFile = join(dir, 'worker.env');
  writeFileSync(envFile, '');
  let edge: Child | undefined;
  try {
    const port = await freePort();
    edge = await startEdge({ root: ROOT, config: 'bench/floor/wrangler.toml', port, databaseUrl, stateDir: join(dir, 'state'), envFile, stdio: 'ignore' });
    const edgeUrl = `http://127.0.0.1:${await workerdPort(edge.pid, port)}`;
    const sameRuntime = sameRuntimeAs(edge.pid);
    const workerd = processesInGroup(edge.pid, 'workerd');
    const rows: Row[] = [];
    let floorCpuMs = Number.NaN;
    // Per route: warm, the most, then (a)'s load spread, then as a burst (its backlog spills into the next route's warming, not into a figure).
    for (const route of ROUTES) {
      const url = `${edgeUrl}${route.path}`;
      await load(url, { connections: MAX_CONNECTIONS, duration: WARM_SECONDS });
      const cpuBefore = cpuSeconds(workerd);
      const ownBefore = process.cpuUsage();
      const max = await load(url, { connections: MAX_CONNECTIONS, duration: MAX_SECONDS });
      const cpuMs = ((cpuSeconds(workerd) - cpuBefore) * 1000) / max.requests.total;
      const own = process.cpuUsage(ownBefore);
      const ownMs = (own.user + own.system) / 1000 / max.requests.total;
      const maxErrors = max.errors + max.non2xx + max.timeouts;
      progress(`${route.name}: ${f1(max.requests.average)} requests/s, workerd ${cpuMs.toFixed(3)} ms CPU a request, bench process ${ownMs.toFixed(3)} ms, errors ${maxErrors}`);
      const paced = await pacedLoad(edgeUrl, USERS, OPEN_SECONDS, () => ({ path: route.path }));
      const pacedErrors = paced.errors + paced.non2xx + paced.timeouts;
      progress(`${route.name}, (a)'s load spread: p50 ${f1(paced.p50)} ms, p99 ${f1(paced.p99)} ms, ${paced.requests} requests, errors ${pacedErrors}`);
      const open = await load(url, { connections: USERS, connectionRate: 1, duration: OPEN_SECONDS });
      const openErrors = open.errors + open.non2xx + open.timeouts;
      progress(`${route.name}, (a)'s load as a burst: p50 ${f1(open.latency.p50)} ms, p99 ${f1(open.latency.p99)} ms, ${open.requests.total} requests, errors ${openErrors}`);
      sameRuntime(route.path);
      if (route === FLOOR) floorCpuMs = cpuMs;
      rows.push(
        {
          benchmark: `web API floor ${route.name}: most requests/s (${MAX_CONNECTIONS} connections, ${MAX_SECONDS} s, errors); workerd CPU a request (all its threads, /proc); workerd busy; this process's (load generator and pooler) CPU a request, busy`,
          result: `${f1(max.requests.average)} /s (${maxErrors}); ${cpuMs.toFixed(3)} ms; ${f1((cpuMs * max.requests.average) / 10)} % of a core; ${ownMs.toFixed(3)} ms, ${f1((ownMs * max.requests.average) / 10)} %`,
          target: '-',
          met: null,
        },
        {
          benchmark: `web API floor ${route.name}, (a)'s load as autocannon makes it (every connection's request in the same ms): ${USERS} connections, 1 request/s each for ${OPEN_SECONDS} s: p50 / p99 (requests), errors / non-2xx / timeouts`,
          result: `${f1(open.latency.p50)} ms / ${f1(open.latency.p99)} ms (${open.requests.total}), ${open.errors} / ${open.non2xx} / ${open.timeouts}`,
          target: 'p99 < 100 ms, no errors',
          met: open.latency.p99 < 100 && openErrors === 0,
        },
        {
          benchmark: `web API floor ${route.name}, (a)'s load spread over each second (lib/paced-load.ts): the same, p50 / p99 (requests), errors / non-2xx / timeouts`,
          result: `${f1(paced.p50)} ms / ${f1(paced.p99)} ms (${paced.requests}), ${paced.errors} / ${paced.non2xx} / ${paced.timeouts}`,
          target: 'p99 < 100 ms, no errors',
          met: paced.p99 < 100 && pacedErrors === 0,
        },
      );
    }
    rows.push({
      benchmark: "web API floor: requests a second workerd's CPU allows at (iii)'s CPU a request (1,000 / ms), against the 1,000 /s (a) offers",
      result: `${f1(1000 / floorCpuMs)} /s`,
      target: '> 1,000 /s',
      met: 1000 / floorCpuMs > 1000,
    });
    return rows;
  } finally {
    await edge?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
