import { sql } from 'drizzle-orm';
import type { Db } from '../client.ts';

/** Tables a bulk write (an import, a session's or a document's memory) fills. */
const BULK_TABLES = ['chunks', 'entities', 'relationships', 'lore_documents', 'session_entries'] as const;
export type BulkTable = (typeof BULK_TABLES)[number];

/** Autovacuum's own default rule: analyze once 50 rows plus a tenth of the table changed. */
const BASE_THRESHOLD = 50;
const SCALE_FACTOR = 0.1;

/** Rows this process wrote into each table since it last analysed it: below the threshold, a write pays nothing. */
const pending = new Map<BulkTable, number>();

/**
 * After a bulk write is committed: `analyze` the tables whose changes pass autovacuum's
 * threshold, where no autovacuum runs to do it (the embedded PGlite has none, and a server
 * may have it off). Without statistics the planner took a campaign's 50,000 chunks for one
 * and sorted them all instead of walking the HNSW index. Returns the tables analysed.
 * Statistics are an optimisation: a failure here is logged, never the write's failure.
 */
export async function refreshStatistics(db: Db, written: Partial<Record<BulkTable, number>>): Promise<BulkTable[]> {
  for (const table of BULK_TABLES) if (written[table]) pending.set(table, (pending.get(table) ?? 0) + written[table]);
  const candidates = [...pending].filter(([, rows]) => rows >= BASE_THRESHOLD).map(([table]) => table);
  if (candidates.length === 0) return [];
  try {
    const [state] = await db.execute<{ autovacuum: boolean }>(sql`select exists (select 1 from pg_stat_activity where backend_type = 'autovacuum launcher') as autovacuum`);
    if (state!.autovacuum) {
      pending.clear();
      return [];
    }
    const sizes = await db.execute<{ table: BulkTable; rows: number }>(
      sql`select relname as table, greatest(reltuples, 0)::float8 as rows from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' and relname = any(${sql.raw(`array[${candidates.map((t) => `'${t}'`).join(',')}]`)})`,
    );
    const stale = sizes.filter((size) => pending.get(size.table)! > BASE_THRESHOLD + SCALE_FACTOR * Number(size.rows)).map((size) => size.table);
    if (stale.length === 0) return [];
    await db.execute(sql.raw(`analyze ${stale.join(', ')}`));
    for (const table of stale) pending.delete(table);
    return stale;
  } catch (error) {
    console.warn(`planner statistics not refreshed: ${(error as Error).message}`);
    return [];
  }
}
