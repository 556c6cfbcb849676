import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/client.ts';
import { startTransactionPooler, type TransactionPooler } from '../src/pooler/transaction-pooler.ts';
import { POOLER_APPLICATION_NAME } from '../src/pooler/upstream.ts';
import { createTenant, getTenant } from '../src/repos/tenants.ts';
import { withTenant } from '../src/tenant-isolation/transactions.ts';
import { backends, uniqueId } from './backends.ts';

const SIZE = 3;

for (const backend of backends()) {
  describe(`transaction pooler over ${backend.name}`, () => {
    let pooler: TransactionPooler;
    // Its own name: other poolers (the whole-system tests' Workers) may use the same database meanwhile.
    const name = uniqueId(POOLER_APPLICATION_NAME);
    beforeAll(async () => {
      await backend.setup();
      const upstream = new URL(backend.url());
      upstream.searchParams.set('application_name', name);
      pooler = await startTransactionPooler({ upstream: upstream.toString(), size: SIZE });
    }, 60_000);
    afterAll(async () => {
      await pooler?.close();
      await backend.teardown();
    });

    it('carries 40 clients on a few server connections, each transaction whole on one of them', async () => {
      const clients = Array.from({ length: 40 }, () => createDb(pooler.url, { max: 1 }));
      try {
        const seen = await Promise.all(
          clients.map(({ db }, i) =>
            db.transaction(async (tx) => {
              // A transaction-local setting, read back after other clients had their turns.
              await tx.execute(sql`select set_config('app.mark', ${String(i)}, true)`);
              await tx.execute(sql`select pg_sleep(0.01)`);
              const [row] = await tx.execute<{ mark: string }>(sql`select current_setting('app.mark') as mark`);
              return row!.mark;
            }),
          ),
        );
        expect(seen).toEqual(clients.map((_, i) => String(i)));
        if (backend.name === 'Postgres') {
          const [row] = await clients[0]!.db.execute<{ n: number }>(
            sql`select count(*)::int as n from pg_stat_activity where application_name = ${name} and datname = current_database()`,
          );
          expect(row!.n).toBeLessThanOrEqual(SIZE);
        }
      } finally {
        await Promise.all(clients.map((c) => c.close()));
      }
    });

    it('keeps the tenant wall: scoped reads see only their tenant, interleaved with others', async () => {
      const a = uniqueId('pool-a');
      const b = uniqueId('pool-b');
      const admin = createDb(pooler.url, { max: 2 });
      try {
        await createTenant(admin.db, { id: a });
        await createTenant(admin.db, { id: b });
        const reads = await Promise.all(
          Array.from({ length: 20 }, (_, i) => {
            const tenant = i % 2 ? a : b;
            const client = createDb(pooler.url, { max: 1 });
            return withTenant(client.db, tenant, (tx) => getTenant(tx, tenant)).finally(() => client.close());
          }),
        );
        expect(reads.map((t) => t?.id)).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b)));
      } finally {
        await admin.close();
      }
    });

    it('rolls back what a client left open when it vanished, and serves the next client', async () => {
      const id = uniqueId('pool-gone');
      const raw = postgres(pooler.url, { max: 1, prepare: false, fetch_types: false, onnotice: () => {} });
      await raw.unsafe('begin');
      await raw.unsafe(`insert into tenants (id) values ('${id}')`);
      // Gone without commit: the pooler must not hand this transaction to anyone.
      await raw.end({ timeout: 0 });
      const next = createDb(pooler.url, { max: 1 });
      try {
        expect(await getTenant(next.db, id)).toBeNull();
        const [row] = await next.db.execute<{ one: number }>(sql`select 1 as one`);
        expect(row!.one).toBe(1);
      } finally {
        await next.close();
      }
    });

    it('reports a slow turn with its parts: the wait for a connection, the time on it, the statement', async () => {
      const reports: string[] = [];
      const timed = await startTransactionPooler({ upstream: backend.url(), size: 1, slowTurns: { boundMs: 40, report: (line) => reports.push(line) } });
      const client = createDb(timed.url, { max: 1 });
      try {
        await client.db.execute(sql`select 1`);
        await client.db.execute(sql`select pg_sleep(0.05)`);
        await client.db.execute(sql`select 2`);
      } finally {
        await client.close();
        await timed.close();
      }
      // Only the sleep was slow, on the one connection after `select 1`.
      expect(reports).toHaveLength(1);
      expect(reports[0]).toMatch(/^slow turn (\d+\.\d) ms: \d+\.\d ms to get a server connection \(its turn 2\), (\d+\.\d) ms on it: select pg_sleep\(0\.05\)$/);
      const onIt = Number(/ms to get .*, (\d+\.\d) ms on it/.exec(reports[0]!)![1]);
      expect(onIt).toBeGreaterThanOrEqual(49);
    });

    it('fails to start with the server’s reason when the upstream refuses', async () => {
      const url = new URL(backend.url());
      url.pathname = '/no_such_database_here';
      await expect(startTransactionPooler({ upstream: url.toString() })).rejects.toMatchObject({
        code: '3D000',
        message: 'database "no_such_database_here" does not exist',
      });
    });
  });
}

describe('transaction pooler start', () => {
  it('fails with ECONNREFUSED when nothing listens upstream', async () => {
    await expect(startTransactionPooler({ upstream: 'postgres://postgres@127.0.0.1:1/postgres' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
