import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';

/**
 * A bench run leaves nothing behind: its scratch database and every process it started go
 * when it ends, when it is interrupted (Ctrl-C, a timeout's SIGTERM), and, for a run killed
 * outright (SIGKILL leaves no chance to clean), at the start of the next run. Each run writes
 * a record (its pid and database) under the temp directory; every process it starts inherits
 * RUN_MARK in its environment, so a dead run's processes are found by that mark.
 */

const RECORDS = join(tmpdir(), 'glyphoxa-bench-runs');
const RUN_MARK = 'GLYPHOXA_BENCH_RUN';

interface RunRecord {
  pid: number;
  server?: string;
  database?: string;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Pids of processes started by bench run `runPid` (Linux: read from /proc). */
function processesOf(runPid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (environ.split('\0').includes(`${RUN_MARK}=${runPid}`)) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/**
 * SIGKILLs run `runPid`'s processes until none is left, and says how many there were: one may
 * be starting another as the first are found (wrangler its workerd), and a killed one lingers a
 * moment. Bounded: 50 rounds, 100 ms apart.
 */
async function stopAll(runPid: number): Promise<number> {
  const stopped = new Set<number>();
  for (let round = 0; round < 50; round++) {
    const left = processesOf(runPid);
    if (left.length === 0) break;
    for (const pid of left) {
      stopped.add(pid);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return stopped.size;
}

async function dropDatabase(server: string, database: string): Promise<void> {
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${database} with (force)`);
  } finally {
    await admin.end();
  }
}

/** Cleans up after earlier runs that died without doing so; says what it removed. */
export async function cleanLeftovers(log: (line: string) => void): Promise<void> {
  mkdirSync(RECORDS, { recursive: true });
  for (const file of readdirSync(RECORDS)) {
    const path = join(RECORDS, file);
    let record: RunRecord;
    try {
      record = JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
    } catch {
      rmSync(path, { force: true });
      continue;
    }
    if (alive(record.pid)) continue;
    const orphans = await stopAll(record.pid);
    if (record.server && record.database) await dropDatabase(record.server, record.database);
    log(`bench: cleaned up after run ${record.pid}: ${orphans} process(es) stopped${record.database ? `, database ${record.database} dropped` : ''}`);
    rmSync(path, { force: true });
  }
}

export interface RunGuard {
  /** Notes the scratch database, so a killed run's is dropped by the next. */
  useDatabase(server: string, database: string): void;
  /** Runs `cleanup` once, on an interrupting signal (then exits) or when called. */
  onInterrupt(cleanup: () => Promise<void>): void;
  /** The run ended normally: its record goes. */
  done(): void;
}

/** Marks this run's processes and records it; a signal ends it after cleaning up. */
export function guardRun(): RunGuard {
  const path = join(RECORDS, `${process.pid}.json`);
  const record: RunRecord = { pid: process.pid };
  const write = () => writeFileSync(path, JSON.stringify(record));
  mkdirSync(RECORDS, { recursive: true });
  write();
  process.env[RUN_MARK] = String(process.pid);
  const cleanups: Array<() => Promise<void>> = [];
  let ending = false;
  // While a signal's cleanup runs, the work it interrupts fails (its database dropped under it, its
  // children stopped): no reason to end before the cleanup has, nor with another exit code.
  process.on('uncaughtException', (error) => {
    if (ending) return;
    console.error(error);
    process.exit(1);
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (ending) return;
      ending = true;
      console.error(`bench: ${signal}: stopping what it started and dropping its scratch database`);
      void (async () => {
        await stopAll(process.pid);
        for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(`bench: cleanup failed: ${String(error)}`));
        rmSync(path, { force: true });
        process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[signal]);
      })();
    });
  }
  return {
    useDatabase(server, database) {
      record.server = server;
      record.database = database;
      write();
    },
    onInterrupt(cleanup) {
      cleanups.push(cleanup);
    },
    done() {
      rmSync(path, { force: true });
    },
  };
}
