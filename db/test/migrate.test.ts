import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDb } from '../src/client.ts';
import { migrate } from '../src/migrate.ts';
import { backends } from './backends.ts';

// A fresh PGlite: the first migration of an empty database is part of what this proves.
describe.each(backends({ fresh: true }))('migrate on $name', (backend) => {
  it('is idempotent and safe to run from several processes at once', async () => {
    await backend.setup();
    try {
      // Concurrent runs queue on the advisory lock; repeated runs change nothing.
      await Promise.all([migrate(backend.url()), migrate(backend.url()), migrate(backend.url())]);
      await migrate(backend.url());
      const { db, close } = createDb(backend.url(), { max: 1 });
      try {
        const applied = await db.execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
        const tables = await db.execute<{ n: number }>(
          sql`select count(*)::int as n from pg_tables where schemaname = 'public' and tablename in ('tenants','sessions','usage_records','audit_log')`,
        );
        expect(applied[0]!.n).toBeGreaterThanOrEqual(1);
        expect(tables[0]!.n).toBe(4);
      } finally {
        await close();
      }
    } finally {
      await backend.teardown();
    }
  });
});
