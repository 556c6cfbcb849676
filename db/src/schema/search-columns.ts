import { customType } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/** Full-text search vectors, kept as generated columns under a GIN index. */
export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * Length of every stored embedding: requested from the provider (OpenAI's
 * `dimensions`), so one HNSW index serves every tenant. The migration that
 * creates the `embedding` domain checks the same number.
 */
export const EMBEDDING_DIMENSIONS = 256;

/**
 * The `embedding` domain a migration chose once: pgvector's `vector` where
 * `create extension vector` worked, else a portable `real[]`. Both take a
 * `real[]` on the way in and print as a bracketed or braced list on the way out.
 */
export const embedding = customType<{ data: number[]; driverData: string }>({
  dataType: () => 'embedding',
  toDriver: (value) => sql`${`{${value.join(',')}}`}::real[]`,
  fromDriver: (value) => value.slice(1, -1).split(',').map(Number),
});
