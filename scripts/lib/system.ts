import { join } from 'node:path';
import { hyperdriveConnectionString } from '../../db/src/connection-url.ts';
import type { LogLevel } from '../../protocol/src/log.ts';
import { edgeOutput } from './edge-output.ts';
import { startPoolerProcess } from './pooler-process.ts';
import { localToolsEnv, startChild, waitForHttp, type Child, type ChildOptions } from './processes.ts';

/** The running pieces `npm start` and the whole-system tests share. */
export interface EdgeOptions {
  root: string;
  port: number;
  databaseUrl: string;
  /** Durable Object storage and the env file live here. */
  stateDir: string;
  envFile: string;
  inspectorPort?: number;
  /** Worker variables (control-plane timings), passed as `--var`. */
  vars?: Record<string, string>;
  /** 'inherit' for npm start; tests keep the output to themselves. */
  stdio?: 'inherit' | 'ignore';
  /** What npm start shows of the Worker's log lines (edge-output.ts); default info. */
  logLevel?: LogLevel;
  /** Another Worker's wrangler config, relative to `root` (a bench's own Worker); default the root's wrangler.toml. */
  config?: string;
}

/**
 * Server connections the local stand-in for Hyperdrive's pool may open to Postgres (of its
 * default 100). Under load a transaction holds its connection across several turns of
 * workerd's one thread, so the pool is sized for waiting transactions, not busy ones.
 */
const LOCAL_POOL_SIZE = 60;

/**
 * The Worker and its Durable Objects under `wrangler dev` (workerd), answering /healthz.
 * Locally Hyperdrive is a plain connection string, so the Worker reaches Postgres
 * through a transaction pooler of ours, as it reaches Hyperdrive's pool in production:
 * every request and Durable Object may connect, Postgres sees at most LOCAL_POOL_SIZE.
 * The pooler is a process of its own, stopped with the Worker; when it dies, the Worker
 * is down too (its `down` says so).
 */
export async function startEdge(options: EdgeOptions, isAlive: () => boolean = () => true): Promise<Child> {
  const shown = options.stdio !== 'ignore';
  const pooler = await startPoolerProcess(options.root, { upstream: options.databaseUrl, size: LOCAL_POOL_SIZE, show: shown });
  // Idle Durable Objects still let go of their (pooler) connections: 10,000 of them would hold as many sockets.
  // RATE_LIMIT_* of this process's environment reach the Worker (`RATE_LIMIT_API_PER_MINUTE=600 npm start`; npm test raises them).
  const rateLimits = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('RATE_LIMIT_') && entry[1] !== undefined));
  const vars = Object.entries({ DB_IDLE_TIMEOUT_S: '0.5', ...rateLimits, ...options.vars }).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  const output = edgeOutput(options.logLevel ?? 'info');
  let crashed!: (why: string) => void;
  const runtimeCrash = new Promise<string>((resolve) => (crashed = resolve));
  const lines: ChildOptions = shown
    ? {
        onLine: (line, stream) => {
          output.show(line, stream);
          if (output.crashed(line)) crashed('lost its runtime: workerd crashed under wrangler (its output is above)');
        },
      }
    : { stdio: 'ignore' };
  const edge = startChild(
    'Worker (wrangler dev)',
    join(options.root, 'node_modules', '.bin', 'wrangler'),
    [
      'dev',
      ...(options.config ? ['--config', options.config] : []),
      '--ip', '127.0.0.1',
      '--port', String(options.port),
      '--inspector-port', String(options.inspectorPort ?? 0),
      '--persist-to', options.stateDir,
      '--env-file', options.envFile,
      '--show-interactive-dev-session=false',
      // `log` lets the Worker's console lines through; output.show picks what is shown.
      '--log-level', shown ? 'log' : 'warn',
      ...vars,
    ],
    {
      cwd: options.root,
      ...lines,
      env: localToolsEnv(options.root, {
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: hyperdriveConnectionString(pooler.url),
        WRANGLER_SEND_METRICS: 'false',
        // Miniflare would fetch Request.cf data from the internet; this machine has none.
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        // wrangler dev's local trace collector (a streaming tail Worker on every invocation)
        // costs more per event the more WebSockets a Durable Object holds: with 1,000 nodes
        // on one Fleet a heartbeat took ~5 ms instead of ~0.1 ms (docs/BENCHMARKS.md).
        // Production observability (wrangler.toml) is untouched; X_LOCAL_OBSERVABILITY=true brings it back.
        X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? 'false',
      }),
    },
  );
  let exited = false;
  void edge.exited.then(() => {
    exited = true;
    void pooler.stop();
  });
  const stop = async (graceMs?: number) => {
    const code = await edge.stop(graceMs);
    await pooler.stop();
    return code;
  };
  const url = `http://127.0.0.1:${options.port}`;
  if (!(await waitForHttp(`${url}/healthz`, 120_000, () => !exited && isAlive()))) {
    await stop();
    throw new Error(exited ? `the Worker (wrangler dev) ${await edge.down}` : `the Worker did not answer ${url}/healthz within 120 s`);
  }
  const lostDatabase = pooler.down.then((why) => `lost its database: the ${pooler.name} ${why}`);
  return { ...edge, stop, down: Promise.race([edge.down, runtimeCrash, lostDatabase]) };
}

export interface VoiceNodeOptions {
  root: string;
  edgeUrl: string;
  token: string;
  capacity?: number;
  healthPort?: number;
  stdio?: 'inherit' | 'ignore';
  /** More of its settings, by environment variable (`TOOL_ROUNDS`...). */
  env?: Record<string, string>;
}

/** One voice node (Bun), checking in to the edge with its token. */
export function startVoiceNode(options: VoiceNodeOptions): Child {
  return startChild(
    'voice node',
    join(options.root, 'node_modules', '.bin', 'bun'),
    [join(options.root, 'voice-node', 'src', 'main.ts')],
    {
      cwd: options.root,
      ...(options.stdio === 'ignore' ? { stdio: 'ignore' } : { onLine: passLine }),
      env: localToolsEnv(options.root, {
        EDGE_URL: options.edgeUrl,
        NODE_TOKEN: options.token,
        NODE_CAPACITY: String(options.capacity ?? 4),
        HEALTH_PORT: String(options.healthPort ?? 0),
        ...options.env,
      }),
    },
  );
}

/** Shows a child's line where it wrote it. */
function passLine(line: string, stream: 'stdout' | 'stderr'): void {
  process[stream].write(`${line}\n`);
}

/** Calls the admin API. */
export async function adminCall(edgeUrl: string, adminKey: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${edgeUrl}/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}
