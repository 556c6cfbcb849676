/**
 * The web API under the dashboard's load, against the real Worker under `wrangler dev`:
 * authenticated `GET /api/v1/tenants/:id/campaigns` (a Bearer access token, the caller's
 * membership read, the rate limiter's Durable Object, the tenant's campaigns under RLS)
 * from autocannon. (a) 1,000 open connections, each a user of their own sending one request
 * a second, as autocannon sends them (all in the same millisecond each second) and spread over
 * the second as users send them (lib/paced-load.ts); (b) the most requests a second it answers, beside pgbench running the same SQL
 * through the same transaction pooler. Also what verifying the access token and the rate
 * limit's check cost a request.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { createDb } from '../db/src/client.ts';
import { listCampaigns } from '../db/src/repos/campaigns.ts';
import { memberRoleOf } from '../db/src/repos/memberships.ts';
import { signAccessToken, verifyAccessToken, type TokenKeys } from '../edge/src/auth/access-token.ts';
import { generateKeySpec } from '../edge/src/secrets/keyring.ts';
import { loadOrCreateInstallSecrets, writeWorkerEnv } from '../scripts/lib/install-secrets.ts';
import { startPoolerProcess } from '../scripts/lib/pooler-process.ts';
import { freePort } from '../scripts/lib/ports.ts';
import type { Child } from '../scripts/lib/processes.ts';
import { startEdge } from '../scripts/lib/system.ts';
import { describeProfile, profileWorker } from './lib/cpu-profile.ts';
import { pacedLoad } from './lib/paced-load.ts';
import { cpuSeconds, processesInGroup, sameRuntimeAs } from './lib/process-cpu.ts';
import { pool, type Row } from './lib/stats.ts';
import { workerdPort } from './lib/workerd-port.ts';
import { MAX_CONNECTIONS, MAX_SECONDS, OPEN_SECONDS, USERS } from './lib/web-load.ts';
import { scratchDir } from './lib/scratch-dir.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PROFILE_SECONDS = 10;
const QUIET_SECONDS = 10;
/** The pooler's size under wrangler dev (scripts/lib/system.ts). */
const POOL_SIZE = 60;

interface User {
  token: string;
  tenant: string;
}

const f1 = (n: number) => n.toFixed(1);
const progress = (line: string) => process.stderr.write(`web-api: ${line}\n`);

/** Signs USERS people in locally (each owns a tenant) and gives each a campaign. */
async function users(edgeUrl: string): Promise<User[]> {
  return pool(
    Array.from({ length: USERS }, (_, i) => i),
    32,
    async (i) => {
      const signIn = await fetch(`${edgeUrl}/auth/local`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `bench-${i}@example.test` }) });
      const body = (await signIn.json()) as { access_token: string; memberships: Array<{ tenant_id: string }> };
      const user = { token: body.access_token, tenant: body.memberships[0]!.tenant_id };
      const made = await fetch(`${edgeUrl}/api/v1/tenants/${user.tenant}/campaigns`, { method: 'POST', headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `Campaign ${i}` }) });
      if (made.status !== 201) throw new Error(`creating a campaign: ${made.status} ${await made.text()}`);
      return user;
    },
  );
}

/** autocannon against the list, each connection a user of its own (picked at its first request). */
function load(edgeUrl: string, people: User[], options: { connections: number; connectionRate?: number; duration: number }) {
  let next = 0;
  const timings: number[] = [];
  return new Promise<{ result: autocannon.Result; rateLimitMs: number[] }>((resolve, reject) => {
    autocannon(
      {
        url: edgeUrl,
        connections: options.connections,
        connectionRate: options.connectionRate,
        duration: options.duration,
        requests: [
          {
            setupRequest: (request, context) => {
              const ctx = context as { user?: User };
              ctx.user ??= people[next++ % people.length];
              return { ...request, method: 'GET', path: `/api/v1/tenants/${ctx.user!.tenant}/campaigns`, headers: { authorization: `Bearer ${ctx.user!.token}` } };
            },
            onResponse: (_status, _body, _context, headers) => {
              // autocannon keeps the header names' case as sent.
              const timing = Object.entries(headers as Record<string, unknown>).find(([name]) => name.toLowerCase() === 'server-timing')?.[1];
              const dur = String(timing ?? '').match(/ratelimit-api;dur=([\d.]+)/)?.[1];
              if (dur) timings.push(Number(dur));
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve({ result, rateLimitMs: timings })),
    );
  });
}

/**
 * The SQL one request runs (its membership read and its campaign list), as postgres.js sends
 * it: through the same client and repositories as the Worker, each statement captured as it
 * goes out. A simple-protocol message of several statements stays one message (`\\;`).
 */
async function requestSql(databaseUrl: string, user: User, userId: string): Promise<string> {
  const statements: string[] = [];
  const inline = (query: string, params: unknown[]) => query.replace(/\$(\d+)/g, (_, n: string) => `'${String(params[Number(n) - 1]).replace(/'/g, "''")}'`);
  const { db, close } = createDb(databaseUrl, { max: 1, debug: (query, params) => statements.push(`${inline(query, params).trim().replaceAll('; ', ' \\; ')};`) });
  try {
    await memberRoleOf(db, user.tenant, userId);
    await listCampaigns(db, user.tenant, { limit: 100 });
    return `${statements.join('\n')}\n`;
  } finally {
    await close();
  }
}

/** pgbench (the Postgres client tools') running `script` through a pooler like the Worker's: transactions a second, or null without pgbench. */
async function pgbench(databaseUrl: string, script: string, dir: string): Promise<number | null> {
  const binary = ['pgbench', ...['17', '16', '15'].map((v) => `/usr/lib/postgresql/${v}/bin/pgbench`)].find((path) => spawnSync(path, ['--version']).status === 0);
  if (!binary) return null;
  const file = join(dir, 'request.sql');
  writeFileSync(file, script);
  const pooler = await startPoolerProcess(ROOT, { upstream: databaseUrl, size: POOL_SIZE });
  try {
    const { stdout: out } = await promisify(execFile)(binary, ['-n', '-f', file, '-c', String(MAX_CONNECTIONS), '-j', '2', '-T', String(MAX_SECONDS), pooler.url], { encoding: 'utf8' });
    // Each script run is one request's two transactions; pgbench counts script runs.
    return Number(out.match(/tps = ([\d.]+)/)![1]);
  } finally {
    await pooler.stop();
  }
}

/**
 * Verifying an access token, as the Worker's `authenticate` does (same code, WebCrypto Ed25519), in Node:
 * a token's first verification (each token new) and a later one of the same token (the isolate's cache).
 */
async function jwtVerifyMs(env: TokenKeys): Promise<{ first: number; again: number }> {
  const runs = 2000;
  const tokens = await Promise.all(Array.from({ length: runs + 200 }, () => signAccessToken(env, { userId: crypto.randomUUID(), superAdmin: false })));
  const timed = async (list: string[]) => {
    const started = performance.now();
    for (const token of list) await verifyAccessToken(env, token);
    return (performance.now() - started) / list.length;
  };
  await timed(tokens.slice(0, 200));
  const first = await timed(tokens.slice(200));
  return { first, again: await timed(tokens.slice(200)) };
}

export async function webApiBenchmarks(databaseUrl: string): Promise<Row[]> {
  const dir = scratchDir('gx-bench-web-');
  const envFile = join(dir, 'worker.env');
  const install = loadOrCreateInstallSecrets(join(dir, 'install'));
  const workerEnv = {
    ADMIN_KEY: 'bench-web-api',
    SECRET_KEYS: generateKeySpec('k1'),
    ACCESS_TOKEN_SIGNING_KEY: install.accessTokenSigningKey,
    ACCESS_TOKEN_PUBLIC_KEYS: install.accessTokenPublicKeys,
    LOCAL_SIGN_IN: 'on',
  };
  writeWorkerEnv(envFile, workerEnv);
  const port = await freePort();
  const inspectorPort = await freePort();
  let edge: Child | undefined;
  try {
    // The limiter stays on the path of every call, its limits raised: what is measured is answering, not refusing.
    edge = await startEdge({ root: ROOT, port, inspectorPort, databaseUrl, stateDir: join(dir, 'state'), envFile, stdio: 'ignore', vars: { RATE_LIMIT_AUTH_PER_MINUTE: '1000000', RATE_LIMIT_API_PER_MINUTE: '1000000' } });
    // workerd's own port: wrangler's proxy in front of it is a development hop production does not have.
    const edgeUrl = `http://127.0.0.1:${await workerdPort(edge.pid, port)}`;
    const sameRuntime = sameRuntimeAs(edge.pid);
    progress(`signing in ${USERS} users`);
    const people = await users(edgeUrl);
    progress('warming up');
    // Warm the Worker and the limiter's objects before timing.
    await load(edgeUrl, people, { connections: 100, duration: 5 });

    progress(`(a) spread over each second: ${USERS} connections for ${OPEN_SECONDS} s`);
    // Before the burst below, whose backlog would spill into it.
    const spread = await pacedLoad(edgeUrl, USERS, OPEN_SECONDS, (i) => {
      const user = people[i % people.length]!;
      return { path: `/api/v1/tenants/${user.tenant}/campaigns`, headers: { authorization: `Bearer ${user.token}` } };
    });
    sameRuntime('(a) spread');
    const spreadErrors = spread.errors + spread.non2xx + spread.timeouts;
    progress(`(a) spread: p50 ${f1(spread.p50)} ms, p99 ${f1(spread.p99)} ms, ${spread.requests} requests, errors ${spreadErrors}`);
    progress(`(a) ${USERS} connections for ${OPEN_SECONDS} s`);
    const open = await load(edgeUrl, people, { connections: USERS, connectionRate: 1, duration: OPEN_SECONDS });
    sameRuntime('(a)');
    progress(`(a) p50 ${f1(open.result.latency.p50)} ms, p99 ${f1(open.result.latency.p99)} ms, ${open.result.requests.total} requests, errors ${open.result.errors + open.result.non2xx + open.result.timeouts}`);
    progress(`(b) ${MAX_CONNECTIONS} connections for ${MAX_SECONDS} s`);
    // workerd's CPU over (b), a request: the Worker, its Durable Objects and the runtime's own socket and HTTP work.
    const workerd = processesInGroup(edge.pid, 'workerd');
    const cpuBefore = cpuSeconds(workerd);
    const max = await load(edgeUrl, people, { connections: MAX_CONNECTIONS, duration: MAX_SECONDS });
    const cpuMsPerRequest = ((cpuSeconds(workerd) - cpuBefore) * 1000) / max.result.requests.total;
    progress(`(b) ${f1(max.result.requests.average)} requests/s, p99 ${f1(max.result.latency.p99)} ms; workerd ${cpuMsPerRequest.toFixed(2)} ms CPU a request`);
    progress(`CPU profile, ${MAX_CONNECTIONS} connections for ${PROFILE_SECONDS} s`);
    const { result: profiled, summary: profile } = await profileWorker(inspectorPort, () => load(edgeUrl, people, { connections: MAX_CONNECTIONS, duration: PROFILE_SECONDS }));
    progress(describeProfile(profile));
    // The rate-limit check's CPU a request: the isolate's busy time a request, times the share its
    // modules (the middleware and the RateLimiter object) were on the stack. The runtime's own part of
    // the RPC that runs outside those frames is not in it.
    const isolateMsPerRequest = profile.busyMs / profiled.result.requests.total;
    const limiterShare = [...profile.onStack].filter(([path]) => /middleware\/rate-limit\.ts$|durable\/rate-limiter\//.test(path)).reduce((sum, [, share]) => sum + share, 0);
    const limiterCpuMs = isolateMsPerRequest * limiterShare;
    progress(`isolate ${isolateMsPerRequest.toFixed(2)} ms a request; rate-limit check on the stack ${(limiterShare * 100).toFixed(1)} %: ${limiterCpuMs.toFixed(3)} ms`);
    // The rate-limit check with nothing queued: one connection, one request at a time.
    progress(`one connection for ${QUIET_SECONDS} s`);
    const quiet = await load(edgeUrl, people, { connections: 1, duration: QUIET_SECONDS });
    const me = (await (await fetch(`${edgeUrl}/api/v1/me`, { headers: { authorization: `Bearer ${people[0]!.token}` } })).json()) as { user: { id: string } };
    sameRuntime('(b), the profile and the quiet run');
    const sql = await requestSql(databaseUrl, people[0]!, me.user.id);
    // The Worker's pooler lets go of its connections first, so pgbench's pooler gets as many.
    await edge.stop();
    edge = undefined;
    progress('pgbench');
    const tps = await pgbench(databaseUrl, sql, dir);
    const jwt = await jwtVerifyMs(workerEnv);
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
    const limiterP50 = median(open.rateLimitMs);
    const quietLimiterP50 = median(quiet.rateLimitMs);
    const a = open.result;
    const errorsA = a.errors + a.non2xx + a.timeouts;
    return [
      { benchmark: `web API (a): ${USERS} connections, a user each, 1 request/s for ${OPEN_SECONDS} s: p50 / p99 (requests)`, result: `${f1(a.latency.p50)} ms / ${f1(a.latency.p99)} ms (${a.requests.total})`, target: 'p99 < 100 ms', met: a.latency.p99 < 100 },
      { benchmark: 'web API (a): errors, non-2xx, timeouts', result: `${a.errors} / ${a.non2xx} / ${a.timeouts}`, target: 'none', met: errorsA === 0 },
      { benchmark: `web API (a) spread over each second (bench/lib/paced-load.ts; autocannon's above sends every connection's request in the same ms): ${USERS} connections, 1 request/s for ${OPEN_SECONDS} s: p50 / p99 (requests)`, result: `${f1(spread.p50)} ms / ${f1(spread.p99)} ms (${spread.requests})`, target: 'p99 < 100 ms', met: spread.p99 < 100 },
      { benchmark: 'web API (a) spread: errors, non-2xx, timeouts', result: `${spread.errors} / ${spread.non2xx} / ${spread.timeouts}`, target: 'none', met: spreadErrors === 0 },
      { benchmark: `web API (b): most requests/s (${MAX_CONNECTIONS} connections, ${MAX_SECONDS} s), p99`, result: `${f1(max.result.requests.average)} /s, ${f1(max.result.latency.p99)} ms`, target: '-', met: null },
      { benchmark: 'web API (b): workerd CPU per request (all its threads, /proc), and workerd busy at (b)\'s rate', result: `${cpuMsPerRequest.toFixed(2)} ms; ${f1((cpuMsPerRequest * max.result.requests.average) / 10)} % of a core`, target: '-', met: null },
      { benchmark: "web API: the Worker isolate's CPU profile under (b), self time by part", result: describeProfile(profile, 6), target: '-', met: null },
      { benchmark: "web API (b): pgbench, the request's SQL through the same pooler: requests/s, and the API's share of it", result: tps === null ? 'pgbench not installed' : `${f1(tps)} /s; ${(max.result.requests.average / tps).toFixed(2)}x`, target: '-', met: null },
      { benchmark: 'web API: access-token verification (Ed25519, the Worker\'s code in Node): a token\'s first, then again (cached until its exp)', result: `${jwt.first.toFixed(3)} ms, then ${jwt.again.toFixed(4)} ms`, target: '< 0.5 ms', met: jwt.first < 0.5 },
      { benchmark: "web API (b): rate-limit check's CPU a request (the isolate's busy time a request x the share its middleware and Durable Object were on the stack)", result: `${limiterCpuMs.toFixed(3)} ms (${(limiterShare * 100).toFixed(1)} % of ${isolateMsPerRequest.toFixed(2)} ms)`, target: '< 1 ms', met: limiterCpuMs < 1 },
      { benchmark: `web API: rate-limit check (its Durable Object round trip, Server-Timing: wall time), p50 with nothing queued (1 connection, ${QUIET_SECONDS} s: ${quiet.result.requests.total} requests, p50 ${f1(quiet.result.latency.p50)} ms each)`, result: `${quietLimiterP50.toFixed(2)} ms`, target: '-', met: null },
      { benchmark: 'web API: rate-limit check, p50 under (a) (queued behind the thread\'s other requests)', result: `${limiterP50.toFixed(2)} ms`, target: '-', met: null },
    ];
  } finally {
    await edge?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
