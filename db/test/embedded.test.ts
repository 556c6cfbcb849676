import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { createDb } from '../src/client.ts';
import { startEmbeddedPostgres } from '../src/embedded/server.ts';
import { migrate } from '../src/migrate.ts';
import { createTenant, getTenant } from '../src/repos/tenants.ts';
import { withTenant } from '../src/tenant-isolation/transactions.ts';
import { tenants } from '../src/schema/index.ts';
import { databaseError } from './backends.ts';

describe('embedded Postgres', () => {
  it('keeps its data in the data folder across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gx-pg-'));
    try {
      const first = await startEmbeddedPostgres({ dataDir: dir });
      await migrate(first.url);
      const a = createDb(first.url, { max: 1 });
      await createTenant(a.db, { id: 'kept-tenant', tier: 'guild' });
      await a.close();
      await first.stop();

      const second = await startEmbeddedPostgres({ dataDir: dir });
      const b = createDb(second.url, { max: 1 });
      expect(await getTenant(b.db, 'kept-tenant')).toMatchObject({ tier: 'guild' });
      await b.close();
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves many clients at once without mixing their statements or transactions', async () => {
    const server = await startEmbeddedPostgres();
    try {
      await migrate(server.url);
      const { db, close } = createDb(server.url, { max: 10 });
      const ids = Array.from({ length: 12 }, (_, i) => `mux-${i}`);
      await Promise.all(ids.map((id) => createTenant(db, { id })));
      const results = await Promise.all(
        Array.from({ length: 120 }, (_, i) => {
          const id = ids[i % ids.length]!;
          return withTenant(db, id, async (tx) => {
            const rows = await tx.select().from(tenants);
            const [{ n }] = (await tx.execute<{ n: number }>(sql`select ${i}::int as n`)) as unknown as [{ n: number }];
            return rows.length === 1 && rows[0]!.id === id && n === i;
          });
        }),
      );
      expect(results.every(Boolean)).toBe(true);
      // A transaction that fails midway rolls back and frees the session for the others.
      const failed = db.transaction(async (tx) => {
        await tx.execute(sql`insert into tenants (id) values ('mux-rolled-back')`);
        await tx.execute(sql`select 1/0`);
      });
      expect(await databaseError(failed)).toMatch(/division by zero/);
      expect(await db.execute(sql`select id from tenants where id = 'mux-rolled-back'`)).toHaveLength(0);
      await close();
    } finally {
      await server.stop();
    }
  });

  it('cuts off a client idle in a transaction that others wait behind, as Postgres would', async () => {
    const server = await startEmbeddedPostgres({ idleInTransactionTimeoutMs: 300 });
    const stuck = postgres(server.url, { max: 1, prepare: false, onnotice: () => {} });
    const other = postgres(server.url, { max: 1, prepare: false, onnotice: () => {} });
    try {
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      // A transaction whose client never comes back (a process killed, a test torn down).
      const abandoned = stuck.begin(async (tx) => {
        await tx`select 1`;
        entered();
        await new Promise(() => {});
      });
      abandoned.catch(() => {});
      await inside;
      const [row] = await other`select 42 as answer`;
      expect(row).toEqual({ answer: 42 });
      await expect(abandoned).rejects.toThrow();
    } finally {
      await other.end({ timeout: 1 });
      await stuck.end({ timeout: 1 });
      await server.stop();
    }
  });

  it('ends a client whose error is FATAL, and says so if PGlite cannot go on after it', async () => {
    const server = await startEmbeddedPostgres();
    const bystander = postgres(server.url, { max: 1, prepare: false, onnotice: () => {} });
    const culprit = postgres(server.url, { max: 1, prepare: false, onnotice: () => {} });
    try {
      await bystander`select 1`;
      // exit_on_error makes an ERROR FATAL; a FATAL error leaves PGlite's one session unusable.
      await culprit.unsafe('set exit_on_error = on');
      // Postgres closes the connection after a FATAL error; postgres.js reports it closed, as it does there.
      await expect(culprit.unsafe('select 1/0')).rejects.toThrow();
      const reason = await Promise.race([server.failure, new Promise((r) => setTimeout(() => r('no failure reported'), 5000))]);
      expect(String(reason)).toMatch(/FATAL error ended PGlite's only session: division by zero \(SQLSTATE 22012\)/);
      // Everyone is cut off, and nothing new is served from the broken database.
      await expect(bystander`select 1`).rejects.toThrow();
      const late = postgres(server.url, { max: 1, connect_timeout: 2, onnotice: () => {} });
      await expect(late`select 1`).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await late.end({ timeout: 0 });
    } finally {
      await bystander.end({ timeout: 0 });
      await culprit.end({ timeout: 0 });
      await server.stop();
    }
  });

  it('refuses a port that is taken with EADDRINUSE', async () => {
    const server = await startEmbeddedPostgres();
    try {
      await expect(startEmbeddedPostgres({ port: server.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await server.stop();
    }
  });
});
