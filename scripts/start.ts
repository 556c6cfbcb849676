/**
 * `npm start`: the whole system on one machine. Embedded Postgres (or
 * DATABASE_URL), migrations, the demo tenant, and the Worker with its Durable
 * Objects under `wrangler dev` (workerd). Ctrl-C or SIGTERM stops everything.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDb, hyperdriveConnectionString, seedDemoTenant } from '../db/src/index.ts';
import { provisionDatabase, type ProvisionedDatabase } from './lib/database.ts';
import { loadOrCreateInstallSecrets, writeWorkerEnv } from './lib/install-secrets.ts';
import { assertPortFree, PortInUseError } from './lib/ports.ts';
import { localToolsEnv, startChild, waitForHttp, type Child } from './lib/processes.ts';

const ROOT = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env.GLYPHOXA_DATA_DIR ?? join(ROOT, '.data'));
const port = Number(process.env.PORT ?? 8787);
const pgPort = Number(process.env.PG_PORT ?? 0);
const inspectorPort = Number(process.env.INSPECTOR_PORT ?? 0);
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

const children: Child[] = [];
let database: ProvisionedDatabase | undefined;
let shuttingDown = false;

async function shutdown(code: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    await Promise.all(children.map((child) => child.stop()));
    await database?.stop();
  }
  process.exit(code);
}

async function main(): Promise<void> {
  await assertPortFree(port, 'the dashboard and API', 'PORT');
  if (pgPort) await assertPortFree(pgPort, 'the embedded Postgres', 'PG_PORT');
  const secrets = loadOrCreateInstallSecrets(dataDir);

  database = await provisionDatabase({ dataDir: join(dataDir, 'pg'), port: pgPort });
  const { db, close } = createDb(database.url, { max: 2 });
  try {
    await seedDemoTenant(db);
  } finally {
    await close();
  }

  if (!existsSync(join(ROOT, 'ui', 'dist', 'index.html'))) {
    const build = startChild('ui build', bin('vite'), ['build', '--logLevel', 'warn'], { cwd: join(ROOT, 'ui'), env: localToolsEnv(ROOT) });
    if ((await build.exited) !== 0) throw new Error('building the dashboard (ui/) failed');
  }

  const workerEnv = join(dataDir, 'worker.env');
  writeWorkerEnv(workerEnv, { ADMIN_KEY: secrets.adminKey, SECRET_KEYS: secrets.secretKeys });
  const wrangler = startChild(
    'wrangler',
    bin('wrangler'),
    [
      'dev',
      '--ip', '127.0.0.1',
      '--port', String(port),
      '--inspector-port', String(inspectorPort),
      '--persist-to', join(dataDir, 'wrangler'),
      '--env-file', workerEnv,
      '--show-interactive-dev-session=false',
      '--log-level', process.env.WRANGLER_LOG_LEVEL ?? 'warn',
    ],
    {
      cwd: ROOT,
      env: localToolsEnv(ROOT, {
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: hyperdriveConnectionString(database.url),
        WRANGLER_SEND_METRICS: 'false',
        // Miniflare would fetch Request.cf data from the internet; this machine has none.
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      }),
    },
  );
  children.push(wrangler);
  void wrangler.exited.then((code) => {
    if (!shuttingDown) {
      console.error(`wrangler dev exited unexpectedly (code ${code})`);
      void shutdown(1);
    }
  });

  const dashboard = `http://127.0.0.1:${port}`;
  if (!(await waitForHttp(`${dashboard}/healthz`, 120_000, () => !shuttingDown))) {
    throw new Error(`the Worker did not answer ${dashboard}/healthz within 120 s`);
  }
  console.log(`Dashboard: ${dashboard}`);
  console.log(`Admin key: ${secrets.adminKey}`);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

main().catch(async (error: unknown) => {
  console.error(error instanceof PortInUseError ? error.message : `npm start failed: ${String(error instanceof Error ? error.message : error)}`);
  await shutdown(1);
});
