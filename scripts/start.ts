/**
 * `npm start`: the whole system on one machine. Embedded Postgres (or
 * DATABASE_URL), migrations, the demo tenant, the Worker with its Durable
 * Objects under `wrangler dev` (workerd), and one voice node in the shared
 * pool. Ctrl-C or SIGTERM stops everything; so does any part failing (a child
 * exiting, workerd crashing, the embedded Postgres failing), saying which and why.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDb, seedDemoTenant } from '../db/src/index.ts';
import { LOG_LEVELS, type LogLevel } from '../protocol/src/log.ts';
import { ensureDashboardBuilt } from './lib/dashboard-build.ts';
import { provisionDatabase, type ProvisionedDatabase } from './lib/database.ts';
import { loadOrCreateInstallSecrets, writeWorkerEnv } from './lib/install-secrets.ts';
import { assertPortFree, PortInUseError } from './lib/ports.ts';
import type { Child } from './lib/processes.ts';
import { adminCall, startEdge, startVoiceNode } from './lib/system.ts';
import { ensureVoicePackages } from './lib/voice-packages.ts';

const ROOT = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env.GLYPHOXA_DATA_DIR ?? join(ROOT, '.data'));
const port = Number(process.env.PORT ?? 8787);
const pgPort = Number(process.env.PG_PORT ?? 0);
/** One level for all it shows: the Worker's log lines and the voice node's. */
const logLevel = (process.env.LOG_LEVEL ?? 'info') as LogLevel;

const children: Child[] = [];
let database: ProvisionedDatabase | undefined;
let shuttingDown = false;
let stopped: Promise<void> | undefined;

async function shutdown(code: number): Promise<never> {
  shuttingDown = true;
  // Once, however many reasons arrive (a child's death, then Ctrl-C): each waits for it.
  stopped ??= (async () => {
    // The voice node first, so it can report its sessions to a still-running edge.
    for (const child of [...children].reverse()) await child.stop();
    await database?.stop().catch(() => {});
  })();
  await stopped;
  process.exit(code);
}

/** When `part` goes down (`why` settles) while we run, everything stops, saying so. */
function stopWhenDown(part: string, why: Promise<string>): void {
  void why.then((reason) => {
    if (shuttingDown) return;
    console.error(`npm start: ${part} ${reason}\nnpm start: stopping everything`);
    void shutdown(1);
  });
}

function supervise(child: Child): Child {
  children.push(child);
  stopWhenDown(`the ${child.name}`, child.down);
  return child;
}

/** This install's shared-pool node token: reused while the edge still knows its node. */
async function nodeToken(dashboard: string, adminKey: string): Promise<string> {
  const file = join(dataDir, 'node-token');
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    const nodes = await adminCall(dashboard, adminKey, 'GET', '/nodes');
    if (nodes.body?.nodes?.some((n: { node_id: string }) => token.startsWith(`${n.node_id}.`))) return token;
  }
  const created = await adminCall(dashboard, adminKey, 'POST', '/nodes', { pool: 'shared' });
  if (created.status !== 201) throw new Error(`could not register the voice node: ${JSON.stringify(created.body)}`);
  writeFileSync(file, `${created.body.token}\n`, { mode: 0o600 });
  return created.body.token;
}

async function main(): Promise<void> {
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  ensureVoicePackages((line) => console.log(line));
  await assertPortFree(port, 'the dashboard and API', 'PORT');
  if (pgPort) await assertPortFree(pgPort, 'the embedded Postgres', 'PG_PORT');
  const secrets = loadOrCreateInstallSecrets(dataDir);

  database = await provisionDatabase({ dataDir: join(dataDir, 'pg'), port: pgPort });
  stopWhenDown('the embedded Postgres', database.failure.then((error) => `failed: ${error.message}`));
  const { db, close } = createDb(database.url, { max: 2 });
  try {
    await seedDemoTenant(db);
  } finally {
    await close();
  }

  await ensureDashboardBuilt(ROOT);

  const envFile = join(dataDir, 'worker.env');
  writeWorkerEnv(envFile, {
    ADMIN_KEY: secrets.adminKey,
    SECRET_KEYS: secrets.secretKeys,
    MEDIA_URL_SECRET: secrets.mediaUrlSecret,
    ACCESS_TOKEN_SIGNING_KEY: secrets.accessTokenSigningKey,
    ACCESS_TOKEN_PUBLIC_KEYS: secrets.accessTokenPublicKeys,
    // No OAuth app on a newcomer's machine: sign in by email (never set on a deployed Worker).
    LOCAL_SIGN_IN: 'on',
    // Tool servers a developer runs beside it (127.0.0.1, plain http); a deployed Worker refuses them.
    MCP_ALLOW_PRIVATE_URLS: 'on',
  });
  const dashboard = `http://127.0.0.1:${port}`;
  supervise(
    await startEdge(
      { root: ROOT, port, databaseUrl: database.url, stateDir: join(dataDir, 'wrangler'), envFile, inspectorPort: Number(process.env.INSPECTOR_PORT ?? 0), logLevel },
      () => !shuttingDown,
    ),
  );
  supervise(startVoiceNode({ root: ROOT, edgeUrl: dashboard, token: await nodeToken(dashboard, secrets.adminKey) }));

  console.log(`Dashboard: ${dashboard}`);
  console.log(`Admin key: ${secrets.adminKey}`);
  console.log(`Sign in (local, any email): curl -si -X POST ${dashboard}/auth/local -H 'content-type: application/json' -d '{"email":"you@example.com"}'`);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
// The embedded Postgres runs in this process: a bug there must not leave the children orphaned.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => {
    console.error(`npm start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nnpm start: stopping everything`);
    void shutdown(1);
  });
}

main().catch(async (error: unknown) => {
  console.error(error instanceof PortInUseError ? error.message : `npm start failed: ${String(error instanceof Error ? error.message : error)}`);
  await shutdown(1);
});
