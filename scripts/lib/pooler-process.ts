import { join } from 'node:path';
import { readyPort } from '../../db/src/pooler/ready-line.ts';
import { poolerUrl } from '../../db/src/pooler/transaction-pooler.ts';
import { startChild, type Child } from './processes.ts';

export interface PoolerProcess extends Child {
  /** What the Worker connects to: the upstream URL at the pooler's port. */
  url: string;
}

/** How long the pooler may take to listen: its first server connection is made before. */
const READY_TIMEOUT_MS = 30_000;

/**
 * The local transaction pooler (db/src/pooler/transaction-pooler.ts) as a child process
 * (db/src/pooler/main.ts), on the Node running us: none of our own work (a test's client, a
 * bench's load, their garbage collection) stalls the Worker's database round trips. Resolves
 * once it listens; rejects, saying why, when it cannot start (a wrong upstream URL, say).
 * `show` passes its output on (npm start); otherwise its last lines are only kept for `down`,
 * unless POOLER_SLOW_MS asks it for its slow turns (db/src/pooler/slow-turns.ts), to be seen.
 */
export async function startPoolerProcess(root: string, options: { upstream: string; size: number; show?: boolean }): Promise<PoolerProcess> {
  let listening!: (port: number) => void;
  const ready = new Promise<number>((resolve) => (listening = resolve));
  const child = startChild('local transaction pooler', process.execPath, [join(root, 'db', 'src', 'pooler', 'main.ts')], {
    cwd: root,
    env: { ...process.env, POOLER_UPSTREAM: options.upstream, POOLER_SIZE: String(options.size) },
    onLine: (line, stream) => {
      const port = readyPort(line);
      if (port !== undefined) return listening(port);
      if (options.show || process.env.POOLER_SLOW_MS !== undefined) process[stream].write(`${line}\n`);
    },
  });
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, READY_TIMEOUT_MS, 'timeout').unref());
  const outcome = await Promise.race([ready, child.down, timeout]);
  if (typeof outcome === 'number') return { ...child, url: poolerUrl(options.upstream, outcome) };
  await child.stop();
  throw new Error(`the ${child.name} ${outcome === 'timeout' ? `did not listen within ${READY_TIMEOUT_MS / 1000} s` : await child.down}`);
}
