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
