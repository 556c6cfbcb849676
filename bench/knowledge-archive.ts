/**
 * Export and import of the knowledge bench's campaign (5,000 entities, 20,000 relationships,
 * 500 past sessions of 100 lines, 50,000 embedded chunks) for a dedicated tenant, through the
 * Worker under `wrangler dev` as `npm start` runs it: the archive streamed from
 * `GET .../export` to a file, then `POST .../campaigns/import` into a second dedicated tenant.
 * Memory is the workerd process's resident set, sampled from /proc every 50 ms (the peak beside
 * the idle figure before). The isolate's heap is not read: wrangler's DevTools proxy refuses a
 * plain WebSocket client.
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { chunks, createCampaign, createDb, createTenant, EMBEDDING_DIMENSIONS, entities, relationships, sessionEntries, sessions, withTenant, type Db } from '../db/src/index.ts';
import { inChunks } from '../db/src/repos/chunks.ts';
import { startBenchEdge } from './lib/bench-edge.ts';
import { loadCampaignGraph, random } from './lib/campaign-graph.ts';
import { processesInGroup } from './lib/process-cpu.ts';
import type { Row } from './lib/stats.ts';

const FROM = 'bench-archive-from';
const TO = 'bench-archive-to';
const ENTITIES = 5000;
const RELATIONSHIPS = 20_000;
const SESSIONS = 500;
const LINES = 100;
const CHUNKS = 50_000;
const MB = 1024 * 1024;
/** Import bounds raised for this campaign: its archive unpacks to far more than the default 50 MB. */
const IMPORT_LIMITS = { CAMPAIGN_IMPORT_MAX_BYTES: String(512 * MB), CAMPAIGN_IMPORT_MAX_UNPACKED_BYTES: String(2048 * MB) };

const residentBytes = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

/** Peak resident set of workerd while `work` runs, sampled every 50 ms, beside its idle figure before. */
async function measured<T>(pids: number[], work: () => Promise<T>) {
  const rss = () => pids.reduce((sum, pid) => sum + residentBytes(pid), 0);
  const idleRss = rss();
  let peakRss = idleRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rss())), 50);
  const started = performance.now();
  try {
    const result = await work();
    return { result, seconds: (performance.now() - started) / 1000, idleRss, peakRss: Math.max(peakRss, rss()) };
  } finally {
    clearInterval(sampler);
  }
}

/** A POST that waits as long as the import takes: fetch gives up on a reply's headers after 300 s. */
function post(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(body.byteLength) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (part: string) => (text += part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

async function loadCampaign(db: Db, campaignId: string): Promise<void> {
  const rand = random(15);
  await loadCampaignGraph(db, FROM, campaignId, { entities: ENTITIES, relationships: RELATIONSHIPS, rand });
  const sessionIds = Array.from({ length: SESSIONS }, () => randomUUID());
  const day = Date.UTC(2026, 0, 1);
  await withTenant(db, FROM, async (tx) => {
    for (const batch of inChunks(sessionIds)) {
      await tx.insert(sessions).values(batch.map((id, i) => ({ id, tenantId: FROM, campaignId, guildId: 'g', channelId: 'c', startedBy: 'dm', state: 'ended' as const, startedAt: new Date(day + i * 86_400_000) })));
    }
  });
  for (const [n, sessionId] of sessionIds.entries()) {
    const lines = Array.from({ length: LINES }, (_, i) => ({
      tenantId: FROM,
      campaignId,
      sessionId,
      speakerId: i % 2 ? 'npc-1' : 'player-1',
      speakerName: i % 2 ? 'Grimjaw' : 'Aria',
      npc: i % 2 === 1,
      text: `Line ${i} of session ${n}: the party asks about Entity ${(n * LINES + i) % ENTITIES} and the road north.`,
      spokenAt: new Date(day + n * 86_400_000 + i * 1000),
    }));
    await withTenant(db, FROM, (tx) => tx.insert(sessionEntries).values(lines));
  }
  const unit = (vector: number[]) => {
    const norm = Math.hypot(...vector) || 1;
    return vector.map((x) => x / norm);
  };
  for (const batch of inChunks(Array.from({ length: CHUNKS }, (_, i) => i), 100)) {
    const rows = batch.map((i) => ({
      tenantId: FROM,
      campaignId,
      source: 'transcript' as const,
      sessionId: sessionIds[i % SESSIONS]!,
      position: Math.floor(i / SESSIONS),
      content: `Passage ${i}: the party asks about Entity ${i % ENTITIES}.`,
      embedding: unit(Array.from({ length: EMBEDDING_DIMENSIONS }, () => rand() - 0.5)),
      model: 'bench-model',
    }));
    await withTenant(db, FROM, (tx) => tx.insert(chunks).values(rows));
  }
}

export async function knowledgeArchiveBenchmarks(databaseUrl: string): Promise<Row[]> {
  const { db, close } = createDb(databaseUrl, { max: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'gx-archive-'));
  const rows: Row[] = [];
  try {
    for (const id of [FROM, TO]) await createTenant(db, { id, licenseTier: 'dedicated' });
    const campaign = await createCampaign(db, FROM, { campaign: { name: 'Archive Saga' }, npcs: [], entities: [] }, { makeCurrent: true });
    let started = performance.now();
    await loadCampaign(db, campaign!.id);
    console.log(`knowledge archive: campaign loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const edge = await startBenchEdge(databaseUrl, { vars: IMPORT_LIMITS });
    try {
      const pids = processesInGroup(edge.edge.pid, 'workerd');
      const auth = { authorization: 'Bearer bench-admin-key' };
      const file = join(dir, 'campaign-export.tar.gz');
      const exported = await measured(pids, async () => {
        const res = await fetch(`${edge.edgeUrl}/api/v1/tenants/${FROM}/campaigns/${campaign!.id}/export`, { headers: auth });
        if (res.status !== 200 || !res.body) throw new Error(`export: ${res.status} ${await res.text()}`);
        await pipeline(Readable.fromWeb(res.body as never), createWriteStream(file));
      });
      const size = statSync(file).size;
      rows.push({
        benchmark: `export, ${ENTITIES} entities / ${RELATIONSHIPS} relationships / ${SESSIONS * LINES} lines / ${CHUNKS} chunks (${mb(size)} gzip): time; workerd RSS idle -> peak`,
        result: `${exported.seconds.toFixed(1)} s; ${mb(exported.idleRss)} -> ${mb(exported.peakRss)}`,
        target: 'recorded',
        met: null,
      });
      console.log(`knowledge archive: ${rows.at(-1)!.benchmark}: ${rows.at(-1)!.result}`);

      const body = readFileSync(file);
      started = performance.now();
      const imported = await measured(pids, async () => {
        const res = await post(`${edge.edgeUrl}/api/v1/tenants/${TO}/campaigns/import`, { ...auth, 'content-type': 'application/gzip' }, body);
        const answer = JSON.parse(res.body) as { campaign?: { id: string }; error?: { message: string } };
        if (res.status !== 201) throw new Error(`import: ${res.status} ${answer.error?.message.slice(0, 500)}`);
        return answer.campaign!.id;
      });
      const copied = await withTenant(db, TO, async (tx) => {
        const of = (table: typeof entities | typeof relationships | typeof chunks) => tx.select({ n: count() }).from(table).where(and(eq(table.tenantId, TO), eq(table.campaignId, imported.result)));
        return { entities: (await of(entities))[0]!.n, relationships: (await of(relationships))[0]!.n, chunks: (await of(chunks))[0]!.n };
      });
      rows.push({
        benchmark: `import of that archive into another dedicated tenant (${copied.entities} entities, ${copied.relationships} relationships, ${copied.chunks} chunks made): time; workerd RSS idle -> peak`,
        result: `${imported.seconds.toFixed(1)} s; ${mb(imported.idleRss)} -> ${mb(imported.peakRss)}`,
        target: 'recorded',
        met: null,
      });
      console.log(`knowledge archive: ${rows.at(-1)!.benchmark}: ${rows.at(-1)!.result}`);
    } finally {
      await edge.close();
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await close();
  }
}
