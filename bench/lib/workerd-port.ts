import { execFileSync } from 'node:child_process';

/**
 * The loopback port where workerd itself serves the Worker under `wrangler dev`: among
 * the ports the workerd processes in `group` listen on, the one other than wrangler's
 * public `proxyPort` (served by wrangler's own proxy Worker) that answers `/healthz`.
 * Requests there skip wrangler's proxy, so they time the Worker in workerd alone.
 */
export async function workerdPort(group: number, proxyPort: number): Promise<number> {
  const pids = new Set(execFileSync('pgrep', ['-g', String(group), 'workerd'], { encoding: 'utf8' }).split('\n').filter(Boolean));
  const listening = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' }).split('\n');
  const ports = listening
    .filter((line) => [...pids].some((pid) => line.includes(`pid=${pid},`)))
    .map((line) => Number(/127\.0\.0\.1:(\d+)/.exec(line)?.[1]))
    .filter((port) => Number.isInteger(port) && port !== proxyPort);
  for (const port of ports) {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    if (res?.ok && ((await res.json().catch(() => null)) as { status?: string } | null)?.status === 'ok') return port;
  }
  throw new Error("workerd's own port was not found");
}
