import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateKeySpec } from '../../edge/src/secrets/keyring.ts';
import { loadOrCreateInstallSecrets, writeWorkerEnv } from '../../scripts/lib/install-secrets.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import type { Child } from '../../scripts/lib/processes.ts';
import { startEdge } from '../../scripts/lib/system.ts';
import { HttpClient, type HttpReply } from './http-client.ts';
import { pool } from './stats.ts';
import { workerdPort } from './workerd-port.ts';
import { scratchDir } from './scratch-dir.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const ADMIN_KEY = 'bench-admin-key';
export const snowflake = (n: number) => String(100000000000000000n + BigInt(n));

export type AdminApi = (method: string, path: string, body?: object) => Promise<HttpReply>;

export interface BenchEdge {
  edge: Child;
  /** workerd's own port: wrangler's proxy in front of it is a local development hop (~1-2 ms a request) production does not have. */
  edgeUrl: string;
  api: AdminApi;
  close(): Promise<void>;
}

/** The Worker under `wrangler dev` on a scratch state directory, with an admin client on workerd's own port; `vars` are the Worker's own variables, `inspectorPort` for CPU profiles (cpu-profile.ts). */
export async function startBenchEdge(databaseUrl: string, options: { vars?: Record<string, string>; inspectorPort?: number } = {}): Promise<BenchEdge> {
  const dir = scratchDir('gx-bench-');
  const envFile = join(dir, 'worker.env');
  // The access-token key also signs NPC tool tokens (bench/npc-tools.ts).
  const install = loadOrCreateInstallSecrets(join(dir, 'install'));
  writeWorkerEnv(envFile, { ADMIN_KEY, SECRET_KEYS: generateKeySpec('k1'), ACCESS_TOKEN_SIGNING_KEY: install.accessTokenSigningKey, ACCESS_TOKEN_PUBLIC_KEYS: install.accessTokenPublicKeys });
  const port = await freePort();
  const edge = await startEdge({ root: ROOT, port, databaseUrl, stateDir: join(dir, 'state'), envFile, stdio: 'ignore', vars: options.vars, inspectorPort: options.inspectorPort }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const edgeUrl = `http://127.0.0.1:${await workerdPort(edge.pid, port)}`;
  const client = new HttpClient(`${edgeUrl}/admin`, { authorization: `Bearer ${ADMIN_KEY}` });
  return {
    edge,
    edgeUrl,
    api: (method, path, body) => client.call(method, path, body),
    close: async () => {
      client.close();
      await edge.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Creates `ids` as tenants and starts one session in each (`concurrency` at a time, 8 unless
 * told), saying how far it got every 1,000. A refusal or a dropped connection counts as an
 * error; the sweep goes on.
 */
export async function startOneSessionEach(api: AdminApi, ids: string[], concurrency = 8): Promise<{ perSecond: number; errors: number; refusals: Map<string, number> }> {
  await pool(ids, concurrency, async (id) => {
    const res = await api('POST', '/tenants', { id });
    if (res.status !== 201) throw new Error(`creating ${id}: ${JSON.stringify(res.body)}`);
  });
  let errors = 0;
  let done = 0;
  const refusals = new Map<string, number>();
  const started = performance.now();
  await pool(ids, concurrency, async (id, i) => {
    const res = await api('POST', `/tenants/${id}/sessions`, { guild_id: snowflake(i), channel_id: snowflake(i), started_by: snowflake(i) }).catch(
      (error: Error) => ({ status: 0, body: error.message }),
    );
    if (res.status !== 201) {
      const code = `${res.status} ${res.body?.error?.code ?? 'no_answer'}`;
      refusals.set(code, (refusals.get(code) ?? 0) + 1);
      if (errors++ < 5) console.error(`start for ${id} refused: ${res.status} ${JSON.stringify(res.body)}`);
    }
    if (++done % 1000 === 0) console.error(`  ${done}/${ids.length} started, ${(done / ((performance.now() - started) / 1000)).toFixed(0)}/s, ${errors} errors`);
  });
  return { perSecond: ids.length / ((performance.now() - started) / 1000), errors, refusals };
}

/** Stops the tenants' running sessions, freeing the capacity for the next round. */
export async function stopSessionsOf(api: AdminApi, ids: string[]): Promise<void> {
  await pool(ids, 32, async (id) => {
    const live = await api('GET', `/tenants/${id}/sessions?state=active`);
    for (const s of live.body.sessions ?? []) await api('POST', `/sessions/${s.id}/stop`);
  });
}

/** Waits until the edge lists node `nodeId` as connected (a voice node just started checks in by itself). */
export async function waitConnected(api: AdminApi, nodeId: string) {
  for (let i = 0; i < 200; i++) {
    const nodes = await api('GET', '/nodes');
    if (nodes.body.nodes.some((n: { node_id: string; connected: boolean }) => n.node_id === nodeId && n.connected)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`node ${nodeId} never connected`);
}
