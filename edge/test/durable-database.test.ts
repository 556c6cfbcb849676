import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseDeadlineExceeded, DurableDatabase } from '../src/durable/database.ts';
import type { Bindings } from '../src/env.ts';
import { DATABASE_DOOR_HOST } from './database-door.ts';

const door = async (control: string) => (await fetch(`http://${DATABASE_DOOR_HOST}${control}`, { method: control === '/url' ? 'GET' : 'POST' })).json<{ url: string }>();

const selectOne = async (database: DurableDatabase) =>
  database.run(async (db) => ((await db.execute(sql`select 1 as one`)) as unknown as Array<{ one: number }>)[0]!.one);

describe("a Durable Object's database", () => {
  it('gives up a call that never answers, as a connection failure, and serves the next one on a fresh connection', async () => {
    const database = new DurableDatabase(env as unknown as Bindings, 300);
    expect(await selectOne(database)).toBe(1);
    // A call stuck on its connection, as a socket stalled mid-query leaves it.
    await expect(database.run(() => new Promise(() => {}))).rejects.toThrow(/connection terminated: no answer from the database within 300 ms/);
    expect(await selectOne(database)).toBe(1);
  });

  describe('by a deadline', () => {
    afterEach(() => door('/open'));
    const overDoor = async () => new DurableDatabase({ HYPERDRIVE: { connectionString: (await door('/url')).url } } as unknown as Bindings);

    it('waits for a database that is away and comes back within it', async () => {
      const database = await overDoor();
      await door('/close');
      const answer = database.runBy(Date.now() + 3000, async (db) => ((await db.execute(sql`select 1 as one`)) as unknown as Array<{ one: number }>)[0]!.one);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await door('/open');
      expect(await answer).toBe(1);
    });

    it('fails as DatabaseDeadlineExceeded when the database stays away, no later than the deadline', async () => {
      const database = await overDoor();
      await door('/close');
      const started = Date.now();
      await expect(database.runBy(started + 700, (db) => db.execute(sql`select 1`))).rejects.toBeInstanceOf(DatabaseDeadlineExceeded);
      // Tried until the deadline, not past it.
      expect(Date.now() - started).toBeGreaterThanOrEqual(650);
      expect(Date.now() - started).toBeLessThan(700 + 500);
    });

    it('fails at once for an error that is not about reaching the database', async () => {
      const database = new DurableDatabase(env as unknown as Bindings);
      await expect(database.runBy(Date.now() + 3000, (db) => db.execute(sql`select * from no_such_table`))).rejects.not.toBeInstanceOf(DatabaseDeadlineExceeded);
    });
  });
});
