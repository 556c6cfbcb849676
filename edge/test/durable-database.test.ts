import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DurableDatabase } from '../src/durable/database.ts';
import type { Bindings } from '../src/env.ts';

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
});
