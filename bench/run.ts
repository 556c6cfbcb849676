/**
 * `npm run bench`: prints a table of the measured figures beside their targets.
 * Uses an embedded Postgres in memory, or a scratch database created on the
 * server of BENCH_DATABASE_URL (and dropped afterwards).
 * `npm run bench -- --quick` runs the tenant sweep at 1,000 only;
 * `--tenants=300,2000` picks the sweep's sizes; `--only=discord`, `--only=control-plane`,
 * `--only=dashboard`, `--only=flood` (a transcript flood beside another tenant's admin API) or
 * `--only=voice` runs one group; `--only=voice-load` only the voice node under many sessions;
 * `--only=knowledge` campaign knowledge at the database (graph walks, similarity search);
 * `--only=neighbourhood` only its graph walks (no 50,000 chunks to load);
 * `--only=knowledge-archive` that campaign's export and import through the Worker, with workerd's memory;
 * `--only=web-api` the dashboard's API under 1,000 users and at its most, beside pgbench, after the floor under
 * its CPU a request (bench/web-api-floor.ts; `--only=web-api-floor` the floor alone);
 * `--only=npc-tools` NPC tool round trips from the node's MCP client, in a Bun process like the node, through `/mcp` (dice, campaign knowledge;
 * `--no-turns` without the mouth-to-ear part);
 * `--only=idle-cost` the workerd CPU and database transactions per idle live session per minute,
 * at 1,000 and 5,000 live sessions (`--tenants=` picks them, `--idle-window=SECONDS` the window, default 300;
 * `--idle-profile=SECONDS` a CPU profile of the Worker that long after each window,
 * `--heartbeat-interval=MS` the nodes' heartbeat interval instead of the Worker's default,
 * `--alarm-interval=MS` the Worker's ALARM_INTERVAL_MS, which the Fleet's sweep runs no more often than).
 * Interrupted (Ctrl-C, a timeout's SIGTERM) it stops what it started and drops its scratch
 * database; what a killed run left is cleaned at the next start (bench/lib/run-guard.ts).
 */
import { resolve } from 'node:path';
import postgres from 'postgres';
import { startEmbeddedPostgres } from '../db/src/embedded/server.ts';
import { migrate } from '../db/src/migrate.ts';
import { ensureDashboardBuilt } from '../scripts/lib/dashboard-build.ts';
import { controlPlaneBenchmarks } from './control-plane.ts';
import { dashboardBenchmarks } from './dashboard.ts';
import { discordBenchmarks } from './discord.ts';
import { floodBenchmarks } from './flood.ts';
import { idleCostBenchmarks } from './idle-cost.ts';
import { knowledgeArchiveBenchmarks } from './knowledge-archive.ts';
import { knowledgeBenchmarks } from './knowledge.ts';
import { npcToolBenchmarks } from './npc-tools.ts';
import { cleanLeftovers, guardRun } from './lib/run-guard.ts';
import { printTable, type Row } from './lib/stats.ts';
import { voiceBenchmarks } from './voice.ts';
import { webApiFloorBenchmarks } from './web-api-floor.ts';
import { webApiBenchmarks } from './web-api.ts';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const sizes = process.argv.find((a) => a.startsWith('--tenants='))?.slice('--tenants='.length).split(',').map(Number);
const idleWindow = process.argv.find((a) => a.startsWith('--idle-window='))?.slice('--idle-window='.length);
const idleProfile = process.argv.find((a) => a.startsWith('--idle-profile='))?.slice('--idle-profile='.length);
const heartbeatInterval = process.argv.find((a) => a.startsWith('--heartbeat-interval='))?.slice('--heartbeat-interval='.length);
const alarmInterval = process.argv.find((a) => a.startsWith('--alarm-interval='))?.slice('--alarm-interval='.length);
const server = process.env.BENCH_DATABASE_URL;
// Signals are handled before anything else, so a run stopped while it cleans up still ends cleanly.
const guard = guardRun();
await cleanLeftovers((line) => console.log(line));

async function scratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!server) {
    const embedded = await startEmbeddedPostgres();
    let stopped: Promise<void> | undefined;
    const drop = () => (stopped ??= embedded.stop());
    guard.onInterrupt(drop);
    return { url: embedded.url, drop };
  }
  const name = `glyphoxa_bench_${Date.now()}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  let dropped: Promise<void> | undefined;
  const drop = () =>
    (dropped ??= (async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    })());
  guard.useDatabase(server, name);
  // Before the create, on its one connection: a signal during the create drops it right after, never misses it.
  guard.onInterrupt(drop);
  await admin.unsafe(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop };
}

const rows: Row[] = [];
// wrangler dev serves the dashboard's build as the Worker's assets.
if (!only || !(only.startsWith('voice') || only === 'knowledge' || only === 'neighbourhood' || only === 'web-api-floor')) await ensureDashboardBuilt(resolve(import.meta.dirname, '..'));
if (!only || ['control-plane', 'idle-cost', 'discord', 'flood', 'dashboard', 'knowledge', 'neighbourhood', 'knowledge-archive', 'web-api', 'web-api-floor', 'npc-tools'].includes(only)) {
  const database = await scratchDatabase();
  try {
    await migrate(database.url);
    if (!only || only === 'control-plane') rows.push(...(await controlPlaneBenchmarks(database.url, { tenants: sizes ?? (quick ? [1000] : [1000, 10_000]) })));
    if (!only || only === 'idle-cost') {
      rows.push(...(await idleCostBenchmarks(database.url, { sessions: sizes ?? (quick ? [1000] : [1000, 5000]), windowSeconds: idleWindow ? Number(idleWindow) : undefined, profileSeconds: idleProfile ? Number(idleProfile) : undefined, heartbeatIntervalMs: heartbeatInterval ? Number(heartbeatInterval) : undefined, alarmIntervalMs: alarmInterval ? Number(alarmInterval) : undefined })));
    }
    if (!only || only === 'discord') rows.push(...(await discordBenchmarks(database.url)));
    if (!only || only === 'flood') rows.push(...(await floodBenchmarks(database.url)));
    if (!only || only === 'dashboard') rows.push(...(await dashboardBenchmarks(database.url)));
    if (!only || only === 'knowledge' || only === 'neighbourhood') rows.push(...(await knowledgeBenchmarks(database.url, { walksOnly: only === 'neighbourhood' })));
    if (!only || only === 'knowledge-archive') rows.push(...(await knowledgeArchiveBenchmarks(database.url)));
    if (!only || only === 'web-api' || only === 'web-api-floor') rows.push(...(await webApiFloorBenchmarks(database.url)));
    if (!only || only === 'web-api') rows.push(...(await webApiBenchmarks(database.url)));
    if (!only || only === 'npc-tools') rows.push(...(await npcToolBenchmarks(database.url, { turns: !process.argv.includes('--no-turns') })));
  } finally {
    await database.drop();
  }
}
// The voice pipeline needs no database: a stand-in edge and provider stand-ins.
if (!only || only === 'voice' || only === 'voice-load') rows.push(...(await voiceBenchmarks({ loadOnly: only === 'voice-load' })));
console.log(`\nGlyphoxa Edge benchmarks (${server ? 'Postgres' : 'embedded PGlite'}, wrangler dev, ${new Date().toISOString().slice(0, 10)})\n`);
printTable(rows);
guard.done();
