import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { withTenant } from '../tenant-isolation/transactions.ts';
import type { Db, Tx } from '../client.ts';
import { passages } from '../passages.ts';
import { chunks, EMBEDDING_DIMENSIONS, loreDocuments, sessionEntries, type Chunk } from '../schema/index.ts';
import { inChunks } from './chunks.ts';
import { refreshStatistics } from './planner-statistics.ts';

/** The tenant's embeddings provider as this layer needs it (`EmbeddingsProvider` of @glyphoxa/providers is one). */
export interface Embedder {
  model: string;
  embed(texts: readonly string[]): Promise<number[][]>;
}

export class EmbeddingLengthError extends Error {
  constructor(length: number) {
    super(`an embedding has ${length} dimensions; chunks store ${EMBEDDING_DIMENSIONS}`);
    this.name = 'EmbeddingLengthError';
  }
}

export type MemoryHit = Pick<Chunk, 'id' | 'source' | 'sessionId' | 'loreDocumentId' | 'position' | 'content'> & { distance: number };

/** Which storage migration 0008_embedding_type chose here: pgvector (HNSW-indexed) or the portable `real[]`. */
export async function vectorSearchBackend(db: Db): Promise<'pgvector' | 'portable'> {
  const [row] = await db.execute<{ base: string }>(sql`select typbasetype::regtype::text as base from pg_type where typname = 'embedding'`);
  return row?.base === 'vector' ? 'pgvector' : 'portable';
}

/**
 * Replaces a lore document's memory: its body in passages, each embedded by
 * the tenant's provider. The provider is called before the transaction opens,
 * so no database connection waits on it. `false`: the tenant has no such document.
 */
export async function rememberLoreDocument(db: Db, tenantId: string, loreDocumentId: string, embedder: Embedder): Promise<boolean> {
  const document = await withTenant(db, tenantId, async (tx) => {
    const [row] = await tx.select().from(loreDocuments).where(and(eq(loreDocuments.tenantId, tenantId), eq(loreDocuments.id, loreDocumentId)));
    return row;
  });
  if (!document) return false;
  const texts = passages(`${document.title}\n\n${document.body}`);
  const vectors = await embedAll(embedder, texts);
  const stored = await withTenant(db, tenantId, async (tx) => {
    // The document may have gone meanwhile: its foreign key then refuses the rows, so check first.
    const [still] = await tx.select({ id: loreDocuments.id }).from(loreDocuments).where(and(eq(loreDocuments.tenantId, tenantId), eq(loreDocuments.id, loreDocumentId)));
    if (!still) return false;
    await tx.delete(chunks).where(and(eq(chunks.tenantId, tenantId), eq(chunks.loreDocumentId, loreDocumentId)));
    await insertChunks(tx, texts.map((content, position) => ({ tenantId, campaignId: document.campaignId, source: 'lore', loreDocumentId, position, content, embedding: vectors[position]!, model: embedder.model })));
    return true;
  });
  if (stored) await refreshStatistics(db, { chunks: texts.length });
  return stored;
}

/**
 * Replaces a session's memory: its transcript as passages of consecutive
 * lines ("Speaker: words"), embedded. `false`: no such session with a campaign
 * transcript.
 */
export async function rememberSession(db: Db, tenantId: string, sessionId: string, embedder: Embedder): Promise<boolean> {
  const lines = await withTenant(db, tenantId, (tx) =>
    tx
      .select({ campaignId: sessionEntries.campaignId, speakerName: sessionEntries.speakerName, text: sessionEntries.text })
      .from(sessionEntries)
      .where(and(eq(sessionEntries.tenantId, tenantId), eq(sessionEntries.sessionId, sessionId), isNull(sessionEntries.tool)))
      .orderBy(asc(sessionEntries.spokenAt), asc(sessionEntries.id)),
  );
  const campaignId = lines.find((line) => line.campaignId)?.campaignId;
  if (!campaignId) return false;
  // One line a paragraph, so passages break between lines.
  const texts = passages(lines.map((line) => `${line.speakerName}: ${line.text}`).join('\n\n'));
  const vectors = await embedAll(embedder, texts);
  await withTenant(db, tenantId, async (tx) => {
    await tx.delete(chunks).where(and(eq(chunks.tenantId, tenantId), eq(chunks.sessionId, sessionId)));
    await insertChunks(tx, texts.map((content, position) => ({ tenantId, campaignId, source: 'transcript', sessionId, position, content, embedding: vectors[position]!, model: embedder.model })));
  });
  await refreshStatistics(db, { chunks: texts.length });
  return true;
}

/** The passages remembered of one lore document or session, in order, with their embeddings: what an archive carries. */
export function chunksOf(db: Db, tenantId: string, origin: { loreDocumentId: string } | { sessionId: string }): Promise<Pick<Chunk, 'position' | 'content' | 'model' | 'embedding'>[]> {
  const of = 'loreDocumentId' in origin ? eq(chunks.loreDocumentId, origin.loreDocumentId) : eq(chunks.sessionId, origin.sessionId);
  return withTenant(db, tenantId, (tx) =>
    tx.select({ position: chunks.position, content: chunks.content, model: chunks.model, embedding: chunks.embedding }).from(chunks).where(and(eq(chunks.tenantId, tenantId), of)).orderBy(asc(chunks.position), asc(chunks.id)),
  );
}

/** The campaign's passages nearest in meaning to `query`, nearest first. */
export async function recall(db: Db, tenantId: string, campaignId: string, embedder: Embedder, query: string, limit: number): Promise<MemoryHit[]> {
  const [vector] = await embedAll(embedder, [query]);
  return nearestChunks(db, tenantId, campaignId, { vector: vector!, model: embedder.model }, limit);
}

/**
 * The campaign's chunks of `model` by cosine distance to `vector`. On pgvector
 * `embedding_distance` inlines to the HNSW index's expression; iterative scans
 * let the index go on past the campaign's and tenant's filters (pgvector 0.8),
 * where it would otherwise stop at its first `ef_search` candidates.
 */
export function nearestChunks(db: Db, tenantId: string, campaignId: string, query: { vector: number[]; model: string }, limit: number): Promise<MemoryHit[]> {
  if (query.vector.length !== EMBEDDING_DIMENSIONS) return Promise.reject(new EmbeddingLengthError(query.vector.length));
  return withTenant(db, tenantId, async (tx) => {
    await tx.execute(sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true)`);
    const distance = sql<number>`embedding_distance(${chunks.embedding}, ${`{${query.vector.join(',')}}`}::real[])`;
    const rows = await tx
      .select({
        id: chunks.id,
        source: chunks.source,
        sessionId: chunks.sessionId,
        loreDocumentId: chunks.loreDocumentId,
        position: chunks.position,
        content: chunks.content,
        distance: sql<number>`${distance}::float8`.as('distance'),
      })
      .from(chunks)
      .where(and(eq(chunks.tenantId, tenantId), eq(chunks.campaignId, campaignId), eq(chunks.model, query.model)))
      .orderBy(distance)
      .limit(limit);
    // relaxed_order may hand back near-ties slightly out of order.
    return rows.map((row) => ({ ...row, distance: Number(row.distance) })).sort((a, b) => a.distance - b.distance);
  });
}

/** Passages per embeddings request: a long transcript goes in several, each well within a provider's input limits. */
const EMBED_BATCH = 64;

async function embedAll(embedder: Embedder, texts: string[]): Promise<number[][]> {
  if (texts.length === 0) return [];
  const vectors: number[][] = [];
  for (const batch of inChunks(texts, EMBED_BATCH)) vectors.push(...(await embedder.embed(batch)));
  const wrong = vectors.find((vector) => vector.length !== EMBEDDING_DIMENSIONS);
  if (wrong) throw new EmbeddingLengthError(wrong.length);
  if (vectors.length !== texts.length) throw new Error(`the embeddings provider returned ${vectors.length} vectors for ${texts.length} passages`);
  return vectors;
}

async function insertChunks(tx: Tx, rows: (typeof chunks.$inferInsert)[]): Promise<void> {
  for (const chunk of inChunks(rows, 100)) await tx.insert(chunks).values(chunk);
}
