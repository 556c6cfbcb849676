import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../lib/ports.ts';
import { localToolsEnv } from '../lib/processes.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'gx-start-'));

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` as a newcomer runs it: the embedded default, in its own process group like a terminal job. */
function npmStart(port: number, extraEnv: Record<string, string> = {}): Started {
  const env = localToolsEnv(ROOT, { GLYPHOXA_DATA_DIR: dataDir, PORT: String(port), ...extraEnv });
  delete env.DATABASE_URL;
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => output, exited };
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number, started: Started): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    if (started.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not happen; output so far:\n${started.output()}`);
}

/** Every process below `pid`, read from /proc. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // Exited while we looked.
    }
  }
  const found: number[] = [];
  const frontier = [pid];
  while (frontier.length) {
    const parent = frontier.pop()!;
    for (const [child, ppid] of parentOf) if (ppid === parent) (found.push(child), frontier.push(child));
  }
  return found;
}

/** The one process below `pid` whose command line contains `part`. */
function descendantRunning(pid: number, part: string): number {
  const found = descendants(pid).filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(part);
    } catch {
      return false;
    }
  });
  expect(found, part).toHaveLength(1);
  return found[0]!;
}

function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z';
  } catch {
    return false;
  }
}

/** Signals the whole job, as a terminal's Ctrl-C does, and checks nothing it started lives on. */
async function expectCleanStop(started: Started, signal: NodeJS.Signals): Promise<void> {
  const children = descendants(started.child.pid!);
  // npm, the start script, the pooler, wrangler and workerd at least.
  expect(children.length).toBeGreaterThanOrEqual(4);
  process.kill(-started.child.pid!, signal);
  const outcome = await Promise.race([started.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
  expect(outcome).not.toBe('hung');
  const deadline = Date.now() + 10_000;
  while (children.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(children.filter(alive)).toEqual([]);
}

/** Started and ready: its two lines printed. */
async function startReady(extraEnv: Record<string, string> = {}) {
  const port = await freePort();
  const started = npmStart(port, extraEnv);
  const adminKey = await waitFor('the admin key line', () => started.output().match(/^Admin key: (\S+)$/m)?.[1], 150_000, started);
  return { started, port, url: `http://127.0.0.1:${port}`, headers: { authorization: `Bearer ${adminKey}` } };
}

/** `npm start` ends by itself, non-zero, saying `reason`, with every process it started gone. */
async function expectStopsWhole(started: Started, children: number[], reason: RegExp): Promise<void> {
  const outcome = await Promise.race([started.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 45_000))]);
  expect(outcome, started.output()).toBe(1);
  expect(started.output()).toMatch(reason);
  expect(started.output()).toContain('npm start: stopping everything');
  const deadline = Date.now() + 10_000;
  while (children.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(children.filter(alive)).toEqual([]);
}

/** The edge's structured log lines in the output. */
const edgeLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: string; msg: string });

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** A sign-in's access token from the first start, to show the next start still honours it (its key is kept). */
let firstAccessToken = '';

describe('npm start', () => {
  it('starts everything, prints its lines, serves health and local sign-in, and stops every child on Ctrl-C', async () => {
    const port = await freePort();
    const started = npmStart(port);
    const lines = await waitFor(
      'the start lines',
      () => {
        const dashboard = started.output().match(/^Dashboard: (http:\/\/127\.0\.0\.1:\d+)$/m);
        const admin = started.output().match(/^Admin key: (\S+)$/m);
        return dashboard && admin ? { dashboard: dashboard[1]!, adminKey: admin[1]! } : undefined;
      },
      150_000,
      started,
    );
    expect(lines.dashboard).toBe(`http://127.0.0.1:${port}`);
    expect(lines.adminKey).toBe(readFileSync(join(dataDir, 'admin-key'), 'utf8').trim());

    const health = await fetch(`${lines.dashboard}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${lines.dashboard}/readyz`);
    expect(ready.status).toBe(200);
    const page = await fetch(`${lines.dashboard}/`);
    expect(await page.text()).toContain('<title>Glyphoxa Edge</title>');

    // Local sign-in is on, and the printed line is how.
    expect(started.output()).toContain(`Sign in (local, any email): curl -si -X POST ${lines.dashboard}/auth/local`);
    const signIn = await fetch(`${lines.dashboard}/auth/local`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'newcomer@example.com' }) });
    expect(signIn.status).toBe(200);
    const { access_token } = (await signIn.json()) as { access_token: string };
    const me = await fetch(`${lines.dashboard}/api/v1/me`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe('newcomer@example.com');
    firstAccessToken = access_token;
    expect(JSON.parse(readFileSync(join(dataDir, 'access-token-key.json'), 'utf8'))).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: expect.any(String), d: expect.any(String) });

    await expectCleanStop(started, 'SIGINT');
  });

  it('keeps the install: a restart reuses the admin key, the data and the voice node', async () => {
    const firstKey = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
    const port = await freePort();
    const started = npmStart(port);
    const key = await waitFor('the admin key line', () => started.output().match(/^Admin key: (\S+)$/m)?.[1], 150_000, started);
    expect(key).toBe(firstKey);
    const headers = { authorization: `Bearer ${key}` };
    const demo = await fetch(`http://127.0.0.1:${port}/admin/tenants/demo`, { headers });
    expect(demo.status).toBe(200);
    // The signing key is the install's: a sign-in from before the restart still holds.
    const me = await fetch(`http://127.0.0.1:${port}/api/v1/me`, { headers: { authorization: `Bearer ${firstAccessToken}` } });
    expect(me.status).toBe(200);
    // The same registered node, checked in again (not a second registration).
    let nodes: Array<{ connected: boolean }> = [];
    for (let i = 0; i < 100 && !nodes.some((n) => n.connected); i++) {
      nodes = ((await (await fetch(`http://127.0.0.1:${port}/admin/nodes`, { headers })).json()) as { nodes: typeof nodes }).nodes;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(nodes).toHaveLength(1);
    expect(nodes[0]!.connected).toBe(true);
    await expectCleanStop(started, 'SIGTERM');
  });

  it('says clearly when the port is taken', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    try {
      const started = npmStart(port);
      const code = await started.exited;
      expect(code).not.toBe(0);
      expect(started.output()).toContain(`Port ${port} (the dashboard and API) is already in use`);
      expect(started.output()).not.toMatch(/^\s+at /m);
    } finally {
      blocker.close();
    }
  });

  it("shows the Worker's warnings and errors as its JSON lines, keeps a database tool's session to itself, and stops whole when the voice node dies", async () => {
    const pgPort = await freePort();
    const { started, url, headers } = await startReady({ PG_PORT: String(pgPort) });
    // A tool on the embedded Postgres, set up as pg_dump sets up its session.
    const tool = postgres(`postgres://postgres@127.0.0.1:${pgPort}/postgres`, { max: 1, onnotice: () => {} });
    try {
      await tool.unsafe(`set search_path to drizzle; set row_security = off`);
      expect((await fetch(`${url}/admin/tenants`, { headers })).status).toBe(200);

      // A warning (a node with a bad token) and an error (a table gone under the Worker).
      expect((await fetch(`${url}/nodes/connect`, { headers: { authorization: 'Bearer node-x.wrong' } })).status).toBe(401);
      await tool.unsafe('alter table public.tenants rename to tenants_away');
      try {
        expect((await fetch(`${url}/admin/tenants`, { headers })).status).toBe(500);
      } finally {
        await tool.unsafe('alter table public.tenants_away rename to tenants');
      }
      const lines = await waitFor(
        'the edge warning and error lines',
        () => {
          const all = edgeLines(started.output());
          const warning = all.find((l) => l.level === 'warn' && l.msg === 'node token refused');
          const error = all.find((l) => l.level === 'error' && l.msg === 'unhandled error');
          return warning && error ? { warning, error } : undefined;
        },
        10_000,
        started,
      );
      expect(lines.error).toMatchObject({ request_id: expect.any(String), error: expect.stringContaining('tenants') });
      // wrangler's own line per request stays out of the default output.
      expect(started.output()).not.toMatch(/\[wrangler:info\] GET/);
    } finally {
      await tool.end({ timeout: 1 });
    }

    await waitFor('the voice node checking in', () => edgeLines(started.output()).find((l) => l.msg === 'connected to edge'), 60_000, started);
    const children = descendants(started.child.pid!);
    process.kill(descendantRunning(started.child.pid!, 'voice-node/src/main.ts'), 'SIGKILL');
    await expectStopsWhole(started, children, /^npm start: the voice node was killed by SIGKILL; its last lines:\n {2}\{.*"msg":"voice node started"/m);
  });

  it('stops whole when workerd dies under wrangler', async () => {
    const { started, port } = await startReady();
    const children = descendants(started.child.pid!);
    process.kill(descendantRunning(started.child.pid!, `--socket-addr=entry=127.0.0.1:${port}`), 'SIGKILL');
    await expectStopsWhole(started, children, /^npm start: the Worker \(wrangler dev\) lost its runtime: workerd crashed/m);
  });

  it('stops whole when the database pooler dies', async () => {
    const { started } = await startReady();
    const children = descendants(started.child.pid!);
    process.kill(descendantRunning(started.child.pid!, 'db/src/pooler/main.ts'), 'SIGKILL');
    await expectStopsWhole(started, children, /^npm start: the Worker \(wrangler dev\) lost its database: the local transaction pooler was killed by SIGKILL/m);
  });

  it('stops whole when the embedded Postgres fails', async () => {
    const pgPort = await freePort();
    const { started } = await startReady({ PG_PORT: String(pgPort) });
    const children = descendants(started.child.pid!);
    // An ERROR made FATAL leaves PGlite's one session unusable (db/test/embedded.test.ts).
    const culprit = postgres(`postgres://postgres@127.0.0.1:${pgPort}/postgres`, { max: 1, onnotice: () => {} });
    await culprit.unsafe('set exit_on_error = on');
    await culprit.unsafe('select 1/0').catch(() => {});
    await culprit.end({ timeout: 0 });
    await expectStopsWhole(started, children, /^npm start: the embedded Postgres failed: a FATAL error ended PGlite's only session: division by zero/m);
  });
});
