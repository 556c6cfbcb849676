/**
 * Campaign knowledge at the database, through the repositories the edge calls:
 * the depth-3 neighbourhood of a campaign of 5,000 entities and 20,000
 * relationships, and similarity search over 50,000 embedded chunks (recall@10
 * of the index against an exact search made here). Each timed call is a whole
 * tenant transaction (scope, queries, commit) from one pooled connection.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import {
  createCampaign,
  createDb,
  createTenant,
  EMBEDDING_DIMENSIONS,
  nearestChunks,
  neighbourhood,
  refreshStatistics,
  sessions,
  chunks,
  vectorSearchBackend,
  withTenant,
} from '../db/src/index.ts';
import { inChunks } from '../db/src/repos/chunks.ts';
import { loadCampaignGraph, random } from './lib/campaign-graph.ts';
import { ms, percentile, type Row } from './lib/stats.ts';

const TENANT = 'bench-knowledge';
const ENTITIES = 5000;
const RELATIONSHIPS = 20_000;
const CHUNKS = 50_000;
const TOPICS = 500;
const SESSIONS = 500;
const WARM_UP = 20;
const K = 10;

const unit = (vector: number[]) => {
  const norm = Math.hypot(...vector) || 1;
  return vector.map((x) => x / norm);
};

/**
 * The HNSW index is dropped for the load and built once after it, as a restore builds it:
 * maintained row by row in WASM the load took 561 s (docs/BENCHMARKS.md, 2026-12-02).
 * Its definition is read back from the database, so the bench builds what migrated.
 */
async function withoutVectorIndex(db: ReturnType<typeof createDb>['db'], load: () => Promise<void>): Promise<number | null> {
  const [index] = await db.execute<{ def: string }>(sql`select indexdef as def from pg_indexes where indexname = 'chunks_embedding_hnsw'`);
  if (index) await db.execute(sql`drop index chunks_embedding_hnsw`);
  await load();
  if (!index) return null;
  const started = performance.now();
  await db.transaction(async (tx) => {
    // The graph of 50,000 vectors fits in memory this size; the default 64 MB spills.
    await tx.execute(sql`set local maintenance_work_mem = '512MB'`);
    await tx.execute(sql.raw(index.def));
  });
  return performance.now() - started;
}

/**
 * The database's own CPU time so far, in ms: on this machine's shared, loaded cores a call's
 * wall time is mostly waiting for a core, so the CPU a call costs is what a quiet core would
 * take. The embedded PGlite runs in this process (the figure includes its client, postgres.js);
 * a server's is its one backend of the pool (max 1), from /proc's nanosecond run time.
 */
async function databaseClock(db: ReturnType<typeof createDb>['db']): Promise<() => number> {
  const [row] = await db.execute<{ pglite: boolean; pid: number }>(sql`select version() like '%PGlite%' as pglite, pg_backend_pid() as pid`);
  if (row!.pglite) {
    return () => {
      const used = process.cpuUsage();
      return (used.user + used.system) / 1000;
    };
  }
  return () => Number(readFileSync(`/proc/${row!.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
}

async function timed(clock: () => number, samples: number, run: (i: number) => Promise<unknown>, warmUp = WARM_UP): Promise<{ wall: number[]; cpu: number[]; load: string }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < warmUp + samples; i++) {
    const [start, used] = [performance.now(), clock()];
    await run(i);
    if (i >= warmUp) {
      wall.push(performance.now() - start);
      cpu.push(clock() - used);
    }
  }
  return { wall, cpu, load: loadavg().map((n) => n.toFixed(1)).join(' ') };
}

const figures = (t: { wall: number[]; cpu: number[]; load: string }) =>
  `CPU ${ms(percentile(t.cpu, 50))} / ${ms(percentile(t.cpu, 95))}; wall ${ms(percentile(t.wall, 50))} / ${ms(percentile(t.wall, 95))} at load ${t.load}`;

/** `walksOnly`: the graph walks alone, without the chunks' long load and the similarity search. */
export async function knowledgeBenchmarks(databaseUrl: string, options: { walksOnly?: boolean } = {}): Promise<Row[]> {
  // One connection, so a server's CPU is its one backend's.
  const { db, close } = createDb(databaseUrl, { max: 1 });
  const rand = random(15);
  const rows: Row[] = [];
  try {
    await createTenant(db, { id: TENANT });
    const campaign = await createCampaign(db, TENANT, { campaign: { name: 'Bench Saga' }, npcs: [], entities: [] }, { makeCurrent: true });
    const campaignId = campaign!.id;

    let started = performance.now();
    const ids = await loadCampaignGraph(db, TENANT, campaignId, { entities: ENTITIES, relationships: RELATIONSHIPS, rand });
    console.log(`knowledge: ${ENTITIES} entities, ${RELATIONSHIPS} relationships loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const clock = await databaseClock(db);
    const reached: number[] = [];
    const walks = await timed(clock, 200, async (i) => {
      const around = await neighbourhood(db, TENANT, campaignId, ids[(i * 7919) % ids.length]!, { depth: 3 });
      reached.push(around!.entities.length);
    });
    const p95 = percentile(walks.cpu, 95);
    rows.push({
      benchmark: `depth-3 neighbourhood, ${ENTITIES} entities / ${RELATIONSHIPS} relationships (median ${percentile(reached, 50)} entities reached), p50 / p95`,
      result: figures(walks),
      target: 'p95 < 10 ms (CPU)',
      met: p95 < 10,
    });
    console.log(`knowledge: ${rows.at(-1)!.benchmark}: ${rows.at(-1)!.result}`);
    if (options.walksOnly) return rows;

    // Memory: passages around TOPICS themes (a centroid each, plus noise), as real embeddings cluster.
    started = performance.now();
    const centroids = Array.from({ length: TOPICS }, () => unit(Array.from({ length: EMBEDDING_DIMENSIONS }, () => rand() - 0.5)));
    const noisy = (centroid: number[], spread: number) => unit(centroid.map((x) => x + (rand() - 0.5) * spread));
    const vectors = Array.from({ length: CHUNKS }, (_, i) => noisy(centroids[i % TOPICS]!, 0.15));
    const sessionIds = Array.from({ length: SESSIONS }, () => randomUUID());
    await withTenant(db, TENANT, async (tx) => {
      for (const batch of inChunks(sessionIds)) {
        await tx.insert(sessions).values(batch.map((id) => ({ id, tenantId: TENANT, campaignId, guildId: 'g', channelId: 'c', startedBy: 'dm', state: 'ended' as const })));
      }
    });
    const passages = vectors.map((embedding, i) => ({
      tenantId: TENANT,
      campaignId,
      source: 'transcript' as const,
      sessionId: sessionIds[i % SESSIONS]!,
      position: Math.floor(i / SESSIONS),
      content: `Passage ${i} about topic ${i % TOPICS}.`,
      embedding,
      model: 'bench-model',
    }));
    const indexing = await withoutVectorIndex(db, async () => {
      for (const batch of inChunks(passages, 100)) await withTenant(db, TENANT, (tx) => tx.insert(chunks).values(batch));
    });
    // What the import and memory paths do after a bulk write where no autovacuum runs.
    const analysed = await refreshStatistics(db, { chunks: CHUNKS });
    const backend = await vectorSearchBackend(db);
    console.log(
      `knowledge: ${CHUNKS} chunks (${backend}) loaded in ${((performance.now() - started) / 1000).toFixed(1)} s${indexing === null ? '' : `, HNSW built in ${(indexing / 1000).toFixed(1)} s`}; analysed: ${analysed.join(', ') || 'left to autovacuum'}`,
    );

    // The portable scan takes seconds a query: fewer samples where there is no pgvector.
    const [samples, warmUp] = backend === 'pgvector' ? [200, WARM_UP] : [10, 2];
    const queries = Array.from({ length: warmUp + samples }, (_, i) => noisy(centroids[(i * 31) % TOPICS]!, 0.3));
    const found: number[][] = [];
    const searches = await timed(clock, samples, async (i) => {
      const hits = await nearestChunks(db, TENANT, campaignId, { vector: queries[i]!, model: 'bench-model' }, K);
      if (i >= warmUp) found.push(hits.map((hit) => hit.id));
    }, warmUp);
    // Exact top K of each timed query, computed here; chunk ids follow insertion order.
    const [first] = await withTenant(db, TENANT, (tx) => tx.select({ id: chunks.id }).from(chunks).orderBy(chunks.id).limit(1));
    let matched = 0;
    found.forEach((ids, n) => {
      const query = queries[warmUp + n]!;
      const exact = vectors
        .map((vector, i) => ({ i, d: 1 - vector.reduce((sum, x, j) => sum + x * query[j]!, 0) }))
        .sort((a, b) => a.d - b.d)
        .slice(0, K)
        .map(({ i }) => first!.id + i);
      matched += ids.filter((id) => exact.includes(id)).length;
    });
    const p95Search = percentile(searches.cpu, 95);
    rows.push({
      benchmark: `similarity top ${K} over ${CHUNKS} chunks (${backend === 'pgvector' ? 'pgvector HNSW' : 'portable real[] scan'}, recall@${K} ${((100 * matched) / (found.length * K)).toFixed(1)} %), p50 / p95`,
      result: figures(searches),
      target: 'p95 < 20 ms (CPU)',
      met: p95Search < 20,
    });
    console.log(`knowledge: ${rows.at(-1)!.benchmark}: ${rows.at(-1)!.result}`);
    return rows;
  } finally {
    await close();
  }
}
