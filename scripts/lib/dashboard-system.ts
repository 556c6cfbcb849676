import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { inject } from 'vitest';
import { createDb } from '../../db/src/client.ts';
import { insertMembership } from '../../db/src/repos/memberships.ts';
import type { MemberRole } from '../../db/src/schema/accounts.ts';
import { users } from '../../db/src/schema/accounts.ts';
import { withTenant } from '../../db/src/tenant-isolation/transactions.ts';
import { DEMO_CAMPAIGN } from '../../db/src/demo-campaign.ts';
import { createCampaign } from '../../db/src/repos/campaigns.ts';
import { generateKeySpec } from '../../edge/src/secrets/keyring.ts';
import { startOpenAiStandIn, type OpenAiStandInOptions, type StandIn } from '../../providers/test/stand-ins/index.ts';
import { discordStandIn } from '../../edge/test/discord-stand-in.ts';
import { launchChromium } from './browser.ts';
import { collectPageErrors } from './dashboard-page.ts';
import { loadOrCreateInstallSecrets, writeWorkerEnv } from './install-secrets.ts';
import { serveFetch } from './fetch-server.ts';
import { freePort } from './ports.ts';
import type { Child } from './processes.ts';
import { adminCall, startEdge, startVoiceNode } from './system.ts';

/**
 * The whole system a dashboard browser test drives: the Worker and its Durable Objects under
 * wrangler dev on the test's Postgres (DATABASE_URL), OpenAI-compatible stand-ins for speech
 * to text and the language model, voice nodes on demand, and one Chromium. Each browser test
 * file (scripts/test/dashboard-*.test.ts) starts one and adds only its own screens; the files
 * of the `dashboard` project (scripts/vitest.config.ts) share one Worker, started once for them
 * (./dashboard-edge-setup.ts): starting wrangler dev is the slow part of a system's start.
 */

export const ROOT = resolve(import.meta.dirname, '../..');
export const SHOTS = join(ROOT, 'docs', 'screenshots');
const ADMIN_KEY = 'dashboard-test-admin-key';

export interface DashboardSystemOptions {
  /** The stand-ins' behaviour (what is heard, what the model answers). */
  stt?: OpenAiStandInOptions;
  llm?: OpenAiStandInOptions;
  /** A WAV file Chromium plays as the microphone. */
  fakeMicrophone?: string;
  /** A Worker of the file's own with these extra variables (feature switches), instead of the shared one. */
  workerEnv?: Record<string, string>;
  /** The own Worker's port, when a stand-in must know the edge's address before it starts (a webhook sender). */
  port?: number;
}

/**
 * Worker variables every dashboard Worker has: the tool servers the settings screen adds are
 * local stand-ins; a node heartbeats every second, since a session's time is billed up to its
 * last heartbeat and the tests' sessions last seconds (a 15 s default would bill them nothing).
 */
const WORKER_ENV = { LOCAL_SIGN_IN: 'on', MCP_ALLOW_PRIVATE_URLS: 'on', HEARTBEAT_INTERVAL_MS: '1000' };

/** Where a running dashboard Worker answers, and the Discord stand-in its DISCORD_API_BASE points at. */
export interface DashboardEdgeAddress {
  edgeUrl: string;
  discordUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The `dashboard` project's shared Worker (./dashboard-edge-setup.ts). */
    dashboardEdge: DashboardEdgeAddress;
  }
}

/**
 * The Worker under wrangler dev with the dashboard tests' admin key and install secrets, its
 * Discord REST API answered by edge/test's stand-in.
 */
export async function startDashboardEdge(options: Pick<DashboardSystemOptions, 'workerEnv' | 'port'> = {}): Promise<DashboardEdgeAddress & { stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'gx-dashboard-edge-'));
  const port = options.port ?? (await freePort());
  const envFile = join(dir, 'worker.env');
  const install = loadOrCreateInstallSecrets(join(dir, 'install'));
  writeWorkerEnv(envFile, {
    ADMIN_KEY,
    SECRET_KEYS: generateKeySpec('k1'),
    ACCESS_TOKEN_SIGNING_KEY: install.accessTokenSigningKey,
    ACCESS_TOKEN_PUBLIC_KEYS: install.accessTokenPublicKeys,
    // Voice samples play through signed /media URLs, as npm start signs them.
    MEDIA_URL_SECRET: install.mediaUrlSecret,
    ...WORKER_ENV,
    ...options.workerEnv,
  });
  const discord = await serveFetch(discordStandIn);
  try {
    const edge = await startEdge({ root: ROOT, port, databaseUrl: process.env.DATABASE_URL!, stateDir: join(dir, 'state'), envFile, stdio: 'ignore', vars: { DISCORD_API_BASE: `${discord.url}/api/v10` } });
    return {
      edgeUrl: `http://127.0.0.1:${port}`,
      discordUrl: discord.url,
      async stop() {
        await edge.stop();
        await discord.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await discord.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface DashboardSystem {
  edgeUrl: string;
  /** The Discord stand-in (edge/test/discord-stand-in.ts) the Worker's DISCORD_API_BASE points at. */
  discord: { url: string; seedBotGuilds(botToken: string, guilds: Array<{ id: string; name: string; channels: Array<{ id: string; name: string; type: number }> }>): Promise<void> };
  stt: StandIn;
  llm: StandIn;
  browser: Browser;
  context: BrowserContext;
  /** A scratch directory removed at stop. */
  dir: string;
  /** The admin API, as the operator. */
  api(method: string, path: string, body?: unknown): ReturnType<typeof adminCall>;
  /**
   * A new tab, in front, with the console errors it will collect. Headless Chromium draws a tab
   * behind another only once a second while it animates (a live transcript's dot, a loading
   * skeleton), and every action, wait and screenshot on it waits for those frames: a test going
   * back to an earlier tab brings it to the front first (`page.bringToFront()`).
   */
  newPage(): Promise<{ page: Page; errors: string[] }>;
  /** Signs in locally as a new user (leaving onboarding for later); their id. */
  signInLocally(page: Page, name: string): Promise<string>;
  /** Makes a user a member of a tenant with a role. */
  addMember(tenant: string, userId: string, role: MemberRole): Promise<void>;
  /** Makes a user a platform operator (`users.super_admin`, as an operator sets it in the database); their next token says so. */
  makeSuperAdmin(userId: string): Promise<void>;
  /** A tenant with the demo campaign, the stand-ins as its providers, and a voice node of its own. */
  tenantWithNode(): Promise<string>;
  /** Gives a tenant the stand-ins as its speech-to-text and language model. */
  useStandIns(tenant: string): Promise<void>;
  /** A voice node for a pool (`shared`, or a dedicated tenant's), once it has checked in. */
  startNode(pool: string): Promise<void>;
  stop(): Promise<void>;
}

/** A random Discord id. */
export const snowflake = () => String(100000000000000000n + BigInt(Math.floor(Math.random() * 1e15)));

/** Polls `probe` until it gives a value (bounded: a test that waits never hangs). */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function withDb<T>(work: (db: ReturnType<typeof createDb>['db']) => Promise<T>): Promise<T> {
  const { db, close } = createDb(process.env.DATABASE_URL!, { max: 1 });
  try {
    return await work(db);
  } finally {
    await close();
  }
}

export async function startDashboardSystem(options: DashboardSystemOptions = {}): Promise<DashboardSystem> {
  const dir = mkdtempSync(join(tmpdir(), 'gx-dashboard-'));
  const ownEdge = options.workerEnv !== undefined || options.port !== undefined;
  const shared = ownEdge ? undefined : inject('dashboardEdge');
  if (!ownEdge && !shared) throw new Error('no shared dashboard Worker: the file must be in the dashboard project (scripts/vitest.config.ts)');
  const [stt, llm, edge] = await Promise.all([
    startOpenAiStandIn(options.stt ?? {}),
    startOpenAiStandIn(options.llm ?? {}),
    shared ? { ...shared, stop: async () => {} } : startDashboardEdge(options),
  ]);
  const { edgeUrl } = edge;
  const browser = await launchChromium({ fakeMicrophone: options.fakeMicrophone });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['microphone'] });
  const nodes: Child[] = [];
  const api = (method: string, path: string, body?: unknown) => adminCall(edgeUrl, ADMIN_KEY, method, path, body);

  const system: DashboardSystem = {
    edgeUrl,
    discord: {
      url: edge.discordUrl,
      async seedBotGuilds(botToken, guilds) {
        const res = await fetch(`${edge.discordUrl}/__stand-in/bot-guilds/${botToken}`, { method: 'PUT', body: JSON.stringify({ guilds }) });
        if (res.status !== 204) throw new Error(`seeding the bot's guilds: ${res.status}`);
      },
    },
    stt,
    llm,
    browser,
    context,
    dir,
    api,
    async newPage() {
      const page = await context.newPage();
      return { page, errors: collectPageErrors(page) };
    },
    async signInLocally(page, name) {
      const email = `${name.split(' ')[0]!.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
      await page.goto(`${edgeUrl}/sign-in`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Display name').fill(name);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      // A new user's own team has no campaign yet: sign-in lands on onboarding, which can be left for later.
      await page.getByRole('heading', { name: 'Set up Glyphoxa' }).waitFor();
      await page.getByRole('link', { name: 'finish setup later' }).click();
      await page.getByRole('heading', { name: `Welcome, ${name}` }).waitFor();
      return withDb(async (db) => (await db.select({ id: users.id }).from(users).where(eq(users.email, email)))[0]!.id);
    },
    async addMember(tenant, userId, role) {
      await withDb((db) => withTenant(db, tenant, (tx) => insertMembership(tx, tenant, userId, role)));
    },
    async makeSuperAdmin(userId) {
      await withDb((db) => db.update(users).set({ superAdmin: true }).where(eq(users.id, userId)));
    },
    async tenantWithNode() {
      const tenant = `dash-${Math.random().toString(36).slice(2, 10)}`;
      const created = await api('POST', '/tenants', { id: tenant, license_tier: 'dedicated', tier: 'guild' });
      if (created.status !== 201) throw new Error(`creating tenant ${tenant}: ${created.status} ${JSON.stringify(created.body)}`);
      await withDb((db) => createCampaign(db, tenant, DEMO_CAMPAIGN, { makeCurrent: true }));
      await system.useStandIns(tenant);
      await system.startNode(tenant);
      return tenant;
    },
    async useStandIns(tenant) {
      for (const [role, standIn] of [['stt', stt], ['llm', llm]] as const) {
        const put = await api('PUT', `/tenants/${tenant}/providers/${role}`, { kind: 'openai', base_url: standIn.url, model: 'stand-in', api_key: `sk-${role}` });
        if (put.status !== 200) throw new Error(`setting ${role}: ${put.status} ${JSON.stringify(put.body)}`);
      }
    },
    async startNode(pool) {
      const node = await api('POST', '/nodes', { pool });
      nodes.push(startVoiceNode({ root: ROOT, edgeUrl, token: node.body.token, stdio: 'ignore' }));
      await until('the node to check in', async () => {
        const list = await api('GET', '/nodes');
        return list.body.nodes.some((n: { node_id: string; connected: boolean }) => n.node_id === node.body.node_id && n.connected) || undefined;
      });
    },
    async stop() {
      await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await Promise.all(nodes.map((n) => n.stop()));
      await edge.stop();
      await Promise.all([stt.close(), llm.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return system;
}
