import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { startChild, type Child } from '../lib/processes.ts';

/**
 * `npm run bench` leaves nothing behind: interrupted, it stops the Worker and voice node it
 * started and drops its scratch database; killed outright, the next run does it first.
 * On the machine's Postgres the scratch database is one of its own (BENCH_DATABASE_URL);
 * on the embedded default it lives in the bench's memory, so only processes are checked.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const external = process.env.GLYPHOXA_TEST_DB === 'external';
const server = (() => {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = '/postgres';
  return url.toString();
})();
const started: Child[] = [];

/** Processes a bench run started, found by the mark they inherit. */
function processesOf(runPid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(`GLYPHOXA_BENCH_RUN=${runPid}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * The scratch database run `runPid` made, from the record it keeps (bench/lib/run-guard.ts);
 * not a diff of the server's databases, which other runs on the same server change meanwhile.
 */
function scratchOf(runPid: number): string[] {
  if (!external) return [];
  const record = JSON.parse(readFileSync(join(tmpdir(), 'glyphoxa-bench-runs', `${runPid}.json`), 'utf8')) as { database?: string };
  return record.database ? [record.database] : [];
}

async function databases(): Promise<string[]> {
  if (!external) return [];
  const sql = postgres(server, { max: 1, onnotice: () => {} });
  try {
    return (await sql<{ datname: string }[]>`select datname from pg_database where datname like 'glyphoxa_bench_%'`).map((r) => r.datname);
  } finally {
    await sql.end();
  }
}

/** A voice node among a run's processes: by then it has its Worker and database too. */
const hasVoiceNode = (runPid: number) =>
  processesOf(runPid).some((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('voice-node/src/main.ts');
    } catch {
      return false;
    }
  });

/** Starts a control-plane bench; resolves once `ready` holds (polled, bounded). */
async function bench(ready: (run: { pid: number; lines: string[] }) => boolean): Promise<{ child: Child; lines: string[] }> {
  const lines: string[] = [];
  const child = startChild('bench', 'sh', ['scripts/with-node.sh', 'bench/run.ts', '--only=control-plane', '--tenants=10'], {
    cwd: ROOT,
    env: { ...process.env, BENCH_DATABASE_URL: external ? server : '' },
    onLine: (line) => lines.push(line),
  });
  started.push(child);
  let ended: number | undefined;
  void child.exited.then((code) => (ended = code));
  const deadline = Date.now() + 90_000;
  while (!ready({ pid: child.pid, lines })) {
    if (ended !== undefined || Date.now() > deadline) throw new Error(`the bench ${ended === undefined ? 'never got ready' : `ended (${ended})`}:\n${lines.slice(-15).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, lines };
}

afterAll(async () => {
  await Promise.all(started.map((child) => child.stop(2000)));
});

describe('npm run bench, interrupted', () => {
  it('on SIGTERM stops every process it started and drops its scratch database', async () => {
    const { child, lines } = await bench(({ pid }) => hasVoiceNode(pid));
    expect(processesOf(child.pid).length).toBeGreaterThan(0);
    const scratch = scratchOf(child.pid);
    if (external) {
      expect(scratch).toHaveLength(1);
      expect(await databases()).toEqual(expect.arrayContaining(scratch));
    }
    process.kill(child.pid, 'SIGTERM');
    expect(await child.exited).toBe(143);
    expect(lines.join('\n')).toContain('bench: SIGTERM: stopping what it started and dropping its scratch database');
    expect(processesOf(child.pid)).toEqual([]);
    expect((await databases()).filter((name) => scratch.includes(name))).toEqual([]);
  });

  it('killed outright, leaves what the next run cleans up before it starts', async () => {
    const first = await bench(({ pid }) => hasVoiceNode(pid));
    const scratch = scratchOf(first.child.pid);
    if (external) expect(scratch).toHaveLength(1);
    process.kill(first.child.pid, 'SIGKILL');
    await first.child.exited;
    // SIGKILL gave it no chance: its Worker and node run on, its database is there.
    expect(processesOf(first.child.pid).length).toBeGreaterThan(0);
    if (external) expect(await databases()).toEqual(expect.arrayContaining(scratch));

    const second = await bench(({ lines }) => lines.some((line) => line.startsWith(`bench: cleaned up after run ${first.child.pid}: `)));
    expect(second.lines.join('\n')).toMatch(new RegExp(`cleaned up after run ${first.child.pid}: [1-9]\\d* process\\(es\\) stopped${external ? `, database ${scratch[0]} dropped` : ''}`));
    expect(processesOf(first.child.pid)).toEqual([]);
    expect((await databases()).filter((name) => scratch.includes(name))).toEqual([]);
    process.kill(second.child.pid, 'SIGTERM');
    expect(await second.child.exited).toBe(143);
    expect(processesOf(second.child.pid)).toEqual([]);
  });
});
