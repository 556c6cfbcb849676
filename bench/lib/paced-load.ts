import { Agent, request } from 'node:http';
import { percentile } from './stats.ts';

export interface PacedResult {
  requests: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  timeouts: number;
}

/** autocannon's own timeout, so the two loads' timeouts mean the same. */
const TIMEOUT_MS = 10_000;

/**
 * (a)'s load as a thousand users make it: `connections` keep-alive connections, each sending
 * one request a second, the connections' seconds starting evenly spread over the first second.
 * autocannon's `connectionRate` starts every connection's second in the same millisecond (one
 * `setInterval` each, all made in one loop), so its load is a burst of `connections` requests
 * at once, every second, which users do not make. A connection whose answer comes after its
 * next turn sends its next request at once, as autocannon's does; latency is timed from the
 * send, as autocannon times it. The connections are open before the timed seconds: each
 * opens with one untimed request in a second of its own before them (its errors still count),
 * since (a) is a thousand users with their pages open, not arriving. `target(i)` is connection
 * i's request.
 */
export async function pacedLoad(url: string, connections: number, seconds: number, target: (connection: number) => { path: string; headers?: Record<string, string> }): Promise<PacedResult> {
  const base = new URL(url);
  const latencies: number[] = [];
  const result = { errors: 0, non2xx: 0, timeouts: 0 };
  const started = performance.now() + 100;
  const one = (agent: Agent, connection: number, timed: boolean) =>
    new Promise<void>((resolve) => {
      const { path, headers } = target(connection);
      const sent = performance.now();
      const req = request({ host: base.hostname, port: base.port, path, agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if (timed) latencies.push(performance.now() - sent);
          if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) result.non2xx++;
          resolve();
        });
      });
      req.setTimeout(TIMEOUT_MS, () => {
        result.timeouts++;
        req.destroy(new Error('timeout'));
      });
      req.on('error', (error) => {
        if (error.message !== 'timeout') result.errors++;
        resolve();
      });
      req.end();
    });
  await Promise.all(
    Array.from({ length: connections }, async (_, connection) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let second = 0; second <= seconds; second++) {
          const wait = started + (connection / connections) * 1000 + second * 1000 - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          await one(agent, connection, second > 0);
        }
      } finally {
        agent.destroy();
      }
    }),
  );
  return { requests: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), ...result };
}
