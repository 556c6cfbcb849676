import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { startPoolerProcess } from '../lib/pooler-process.ts';

/**
 * The local transaction pooler runs as a process of its own (npm start, the whole-system
 * tests and the benches all start it with the Worker): it serves the database, and it never
 * outlives whoever started it, stopped or killed.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const upstream = process.env.DATABASE_URL!;

function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}/stat`)) return false;
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

describe('the pooler process', () => {
  it('serves the database from a process of its own, and is gone once stopped', async () => {
    const pooler = await startPoolerProcess(ROOT, { upstream, size: 2 });
    expect(pooler.pid).not.toBe(process.pid);
    const sql = postgres(pooler.url, { prepare: false, max: 3, onnotice: () => {} });
    try {
      const answers = await Promise.all([1, 2, 3].map((n) => sql.unsafe(`select ${n} as n`)));
      expect(answers.map(([row]) => row!.n)).toEqual([1, 2, 3]);
      const [session] = await sql`select application_name from pg_stat_activity where pid = pg_backend_pid()`;
      expect(session?.application_name).toBe('glyphoxa-pooler');
    } finally {
      await sql.end({ timeout: 1 });
    }
    expect(await pooler.stop()).toBe(0);
    expect(alive(pooler.pid)).toBe(false);
  });

  it('fails its start, saying why, when the database cannot be reached', async () => {
    await expect(startPoolerProcess(ROOT, { upstream: 'postgres://postgres@127.0.0.1:1/postgres', size: 2 })).rejects.toThrow(
      /^the local transaction pooler exited with code 1; its last lines:\n {2}cannot reach the database: connect ECONNREFUSED 127\.0\.0\.1:1$/,
    );
  });

  it('says so when it dies', async () => {
    const pooler = await startPoolerProcess(ROOT, { upstream, size: 1 });
    process.kill(pooler.pid, 'SIGKILL');
    expect(await pooler.down).toMatch(/^was killed by SIGKILL/);
  });

  it('ends by itself when what started it is killed outright', async () => {
    const starter = spawn(
      process.execPath,
      ['--input-type=module', '-e', `const { startPoolerProcess } = await import(${JSON.stringify(`${ROOT}/scripts/lib/pooler-process.ts`)}); const p = await startPoolerProcess(${JSON.stringify(ROOT)}, { upstream: process.env.DATABASE_URL, size: 1 }); console.log(p.pid);`],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    starter.stdout!.on('data', (d) => (output += d));
    const poolerPid = await new Promise<number>((resolve, reject) => {
      starter.stdout!.on('data', () => /^\d+\n/.test(output) && resolve(Number(output.split('\n')[0])));
      starter.once('exit', () => reject(new Error(`the starter exited: ${output}`)));
    });
    expect(alive(poolerPid)).toBe(true);
    starter.kill('SIGKILL');
    expect(await gone(poolerPid, 5000)).toBe(true);
  });
});
