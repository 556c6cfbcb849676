import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Kernel clock ticks a second, the unit of /proc/<pid>/stat's CPU times. */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** The pids of the processes named `name` in process group `group` (a child started in its own group). */
export function processesInGroup(group: number, name: string): number[] {
  return execFileSync('pgrep', ['-g', String(group), name], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
}

/** CPU seconds (user + system) these processes have used so far; one gone meanwhile counts 0. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime: fields 14 and 15 of stat, 12 and 13 after the name.
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Exited.
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/**
 * A check that `wrangler dev` (process group `group`) still runs the workerd it ran when
 * made. It watches the Worker's sources and, when one changes (an edit, a checkout, a merge
 * in the tree the bench runs from), starts a new workerd: requests to the old one's port are
 * then refused, and the new one wakes every Durable Object again. What was measured across
 * that is not the Worker's, so the check throws, naming the phase.
 */
export function sameRuntimeAs(group: number): (phase: string) => void {
  const runtimes = processesInGroup(group, 'workerd').join(',');
  return (phase) => {
    if (processesInGroup(group, 'workerd').join(',') !== runtimes) throw new Error(`wrangler dev restarted workerd during ${phase} (a source file of the Worker changed): run the bench from a tree nobody edits meanwhile`);
  };
}
