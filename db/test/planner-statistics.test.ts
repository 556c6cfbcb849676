import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../src/client.ts';
import { importCampaignArchive, refreshStatistics } from '../src/index.ts';
import { createTenant, deleteTenant } from '../src/repos/tenants.ts';
import { backends, uniqueId } from './backends.ts';

describe.each(backends())('planner statistics after bulk writes on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;
  let autovacuum: boolean;
  const t = uniqueId('stats');

  const lastAnalyze = async (table: string) => {
    const [row] = await db.execute<{ at: string | null }>(sql`select coalesce(last_analyze, last_autoanalyze)::text as at from pg_stat_user_tables where relname = ${table}`);
    return row?.at ?? null;
  };

  beforeAll(async () => {
    await backend.setup();
    ({ db, close } = createDb(backend.url()));
    await createTenant(db, { id: t });
    const [row] = await db.execute<{ on: boolean }>(sql`select exists (select 1 from pg_stat_activity where backend_type = 'autovacuum launcher') as on`);
    autovacuum = row!.on;
  });

  afterAll(async () => {
    await deleteTenant(db, t);
    await close();
    await backend.teardown();
  });

  it('leaves a few rows to the next large write, and analyses a table once its changes pass the threshold', async () => {
    expect(await refreshStatistics(db, { relationships: 10 })).toEqual([]);
    const before = await lastAnalyze('relationships');
    const [size] = await db.execute<{ rows: number }>(sql`select greatest(reltuples, 0)::float8 as rows from pg_class where relname = 'relationships'`);
    // Enough, with the 10 before, to pass 50 + 10 % of the table however many rows other suites left.
    const analysed = await refreshStatistics(db, { relationships: 50 + Math.ceil(Number(size!.rows) / 10) });
    if (autovacuum) {
      expect(analysed).toEqual([]);
    } else {
      expect(analysed).toEqual(['relationships']);
      expect(await lastAnalyze('relationships')).not.toBe(before);
      // Counted afresh: the same few rows again are below the threshold.
      expect(await refreshStatistics(db, { relationships: 10 })).toEqual([]);
    }
  });

  it('an import of a large campaign leaves its tables analysed where no autovacuum runs', async () => {
    const before = await lastAnalyze('entities');
    const names = Array.from({ length: 2000 }, (_, i) => `Fact ${i}`);
    const made = await importCampaignArchive(
      db,
      t,
      {
        campaign: { name: 'Big import' },
        npcs: [],
        entities: names.map((name) => ({ name, type: 'lore' as const })),
        relationships: names.slice(1).map((name, i) => ({ from: names[i]!, to: name, type: 'follows', session: null })),
        lore: [],
        sessions: [],
      },
      { makeCurrent: false },
    );
    expect(made).not.toBeNull();
    if (!autovacuum) expect(await lastAnalyze('entities')).not.toBe(before);
  });
});
