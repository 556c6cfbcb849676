import { accessSync, constants, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MEMORY = '/dev/shm';

/**
 * A new scratch directory for a bench run, in memory (tmpfs, /dev/shm) where the machine has
 * one, else in the system's temporary directory. `wrangler dev` keeps the Durable Objects'
 * storage in it (`--persist-to`), in SQLite files that workerd fsyncs on the Worker's one thread
 * at each write: on this machine's disk 0.4-63 ms each (strace), a stall of every call in flight,
 * which production, where an object's storage is not a local file, does not have (docs/BENCHMARKS.md).
 */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(inMemory() ? MEMORY : tmpdir(), prefix));
}

function inMemory(): boolean {
  try {
    accessSync(MEMORY, constants.W_OK);
    return statSync(MEMORY).isDirectory();
  } catch {
    return false;
  }
}
