import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/client.ts';
import { inlined } from '../src/inline-params.ts';
import { createCampaign, listCampaigns } from '../src/repos/campaigns.ts';
import { createTenant, deleteTenant } from '../src/repos/tenants.ts';
import { campaigns } from '../src/schema/index.ts';
import { textLiteral } from '../src/sql-literal.ts';
import { readAllAsTenant, readAsTenant, tenantRowsQuery, withTenant } from '../src/tenant-isolation/transactions.ts';
import { backends, uniqueId } from './backends.ts';

describe('inlined parameters', () => {
  it('quotes ids, roles and safe integers into the statement and sends no parameters', () => {
    expect(inlined('select * from t where a = $1 and b = $2 limit $3', ['tenant-1', 'tenant_owner', 100])).toEqual([
      "select * from t where a = 'tenant-1' and b = 'tenant_owner' limit '100'",
      [],
    ]);
    // $10 is the tenth, not the first followed by a 0.
    const ten = Array.from({ length: 10 }, (_, i) => `v${i + 1}`);
    expect(inlined('select $10, $1', ten)[0]).toBe("select 'v10', 'v1'");
    expect(inlined('select $1::uuid', ['5f0c6a4e-2a51-4c1e-9a0f-6b3a3f2f9e10'])[0]).toBe("select '5f0c6a4e-2a51-4c1e-9a0f-6b3a3f2f9e10'::uuid");
  });

  it('keeps the whole statement parameterised when any value could leave its quotes or is not text or an integer', () => {
    for (const value of ["x' or '1'='1", 'a b', '', '%dragon%', 'x;drop', 'é', 1.5, -0.5, 2 ** 60, true, null, undefined, new Date(0), ['a'], { a: 1 }]) {
      expect(inlined('select * from t where a = $1 and b = $2', ['ok', value])).toEqual(['select * from t where a = $1 and b = $2', ['ok', value]]);
    }
  });

  it('leaves placeholders inside quoted strings and identifiers, and statements it does not scan, as they are', () => {
    expect(inlined(`select '$1', "$1", 'it''s $1', $1`, ['v'])[0]).toBe(`select '$1', "$1", 'it''s $1', 'v'`);
    expect(inlined('select a$1 from t where b = $1', ['v'])[0]).toBe("select a$1 from t where b = 'v'");
    for (const query of ['select $1 -- $1', 'select $1 /* $1 */', 'select $$x$$, $1', "select E'\\'', $1", "select 'open, $1"]) {
      expect(inlined(query, ['v'])).toEqual([query, ['v']]);
    }
    // A placeholder with no parameter is the server's error to report, not a rewrite.
    expect(inlined('select $1, $2', ['v'])).toEqual(['select $1, $2', ['v']]);
  });
});

describe.each(backends())('inlined parameters and one-round-trip tenant reads on $name', (backend) => {
  let db: ReturnType<typeof createDb>;
  const tenant = uniqueId('inline');

  beforeAll(async () => {
    await backend.setup();
    db = createDb(backend.url(), { max: 1 });
  });
  afterAll(async () => {
    await db?.close();
    await backend.teardown();
  });

  it('answers as the parameterised statement would, inside and outside a transaction', async () => {
    const read = (value: unknown) => db.db.execute<{ v: string; n: number }>(sql`select ${value}::text as v, char_length(${value}::text)::int as n`);
    expect([...(await read('tenant-1'))]).toEqual([{ v: 'tenant-1', n: 8 }]);
    expect([...(await read("x' or '1'='1"))]).toEqual([{ v: "x' or '1'='1", n: 12 }]);
    expect([...(await read(42))]).toEqual([{ v: '42', n: 2 }]);
    const setting = await withTenant(db.db, tenant, async (tx) => [...(await tx.execute<{ t: string }>(sql`select current_setting('app.tenant_id', true) as t where ${tenant} = ${tenant}`))]);
    expect(setting).toEqual([{ t: tenant }]);
    const nested = await db.db.transaction((tx) => tx.transaction(async (inner) => [...(await inner.execute<{ v: string }>(sql`select ${'in-savepoint'}::text as v`))]));
    expect(nested).toEqual([{ v: 'in-savepoint' }]);
  });

  it("readAsTenant runs its statement as the tenant's app_user, and the settings end with it", async () => {
    const seen = await readAsTenant<{ t: string; u: string }>(db.db, tenant, "select current_setting('app.tenant_id', true) as t, current_user as u");
    expect(seen).toEqual([{ t: tenant, u: 'app_user' }]);
    const after = [...(await db.db.execute<{ t: string | null; u: string }>(sql`select current_setting('app.tenant_id', true) as t, current_user as u`))];
    expect(after[0]!.u).not.toBe('app_user');
    expect(after[0]!.t ?? '').toBe('');
    // Inside a transaction already open, it takes withTenant's way there.
    const inside = await db.db.transaction((tx) => readAsTenant<{ t: string; u: string }>(tx, tenant, "select current_setting('app.tenant_id', true) as t, current_user as u"));
    expect(inside).toEqual([{ t: tenant, u: 'app_user' }]);
    await expect(readAsTenant(db.db, "bad'id", 'select 1')).rejects.toThrow(/invalid tenant id/);
  });

  it('readAllAsTenant answers each statement in order, and textLiteral carries any text into them', async () => {
    const text = "it's $1 \\ $$ -- é 🐉";
    const [first, second] = await readAllAsTenant<[{ u: string }[], { v: string }[]]>(db.db, tenant, ['select current_user as u', `select ${textLiteral(text)} as v`]);
    expect(first).toEqual([{ u: 'app_user' }]);
    expect(second).toEqual([{ v: text }]);
  });

  it('textLiteral carries back every character and every mix of quotes and backslashes, unchanged', async () => {
    // Every character below 256 but NUL, then strings drawn (seeded, so a failure repeats) from what an escape string treats specially.
    const special = ['\\', "'", '"', '$', '-', 'E', 'e', '\n', '\r', '\t', ';', '/', '*', 'x', '0', 'é', '🐉', '\u2028'];
    let seed = 17;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16;
    const texts = [Array.from({ length: 255 }, (_, i) => String.fromCharCode(i + 1)).join(''), "\\'", "'\\", "\\\\''", "E'\\'"];
    for (let i = 0; i < 300; i++) texts.push(Array.from({ length: next() % 13 }, () => special[next() % special.length]).join(''));
    const [rows] = await readAllAsTenant<[Record<string, string>[]]>(db.db, tenant, [`select ${texts.map((t, i) => `${textLiteral(t)} as v${i}`).join(', ')}`]);
    expect(texts.map((_, i) => rows[0]![`v${i}`])).toEqual(texts);
  });

  it('textLiteral is a constant: a name looked up under RLS meets the index on it, not a scan of every entity', async () => {
    const lookup = `select e.id from entities e where e.tenant_id = '${tenant}' and e.campaign_id = '${crypto.randomUUID()}' and e.name_key = lower(${textLiteral("Grimjaw's Keep")})`;
    // No scan at all: the plan the index allows, whatever the (empty) table's statistics favour.
    const [, plan] = await readAllAsTenant<[unknown[], { 'QUERY PLAN': unknown }[]]>(db.db, tenant, ["select set_config('enable_seqscan', 'off', true)", `explain (format json) ${lookup}`]);
    const raw = plan[0]!['QUERY PLAN'];
    const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
    expect(text).toMatch(/"Index Cond":\s*"\(\(campaign_id = '[0-9a-f-]+'::uuid\) AND \(name_key = 'grimjaw''s keep'::text\)\)"/);
    expect(() => textLiteral('a\0b')).toThrow(/NUL/);
  });

  it("tenantRowsQuery reads a table's rows in one statement built once, as drizzle maps them in withTenant", async () => {
    const owner = uniqueId('select-as');
    const other = uniqueId('select-other');
    const sent: string[] = [];
    const counted = createDb(backend.url(), { max: 1, debug: (query) => sent.push(query) });
    try {
      for (const id of [owner, other]) {
        await createTenant(db.db, { id });
        await createCampaign(db.db, id, { campaign: { name: `Keep of ${id}` }, npcs: [], entities: [] }, { makeCurrent: false });
      }
      const byDrizzle = await withTenant(db.db, owner, (tx) => tx.select().from(campaigns));
      sent.length = 0;
      const read = await listCampaigns(counted.db, owner, { limit: 10 });
      expect(read).toEqual(byDrizzle);
      expect(read[0]!.createdAt).toBeInstanceOf(Date);
      expect(sent).toHaveLength(1);
      // A parameter that cannot be inlined (a pattern), or a transaction already open: withTenant's way.
      expect(await listCampaigns(counted.db, owner, { typed: 'keep of', limit: 10 })).toEqual(byDrizzle);
      const all = tenantRowsQuery(campaigns, (qb) => qb.select().from(campaigns).where(eq(campaigns.tenantId, sql.placeholder('tenantId'))));
      expect(await db.db.transaction((tx) => all(tx, owner, { tenantId: owner }))).toEqual(byDrizzle);
      // Built once, filled in each call: another tenant's call reads its own rows only.
      expect((await all(counted.db, other, { tenantId: other })).map((c) => c.tenantId)).toEqual([other]);
      // A value that would not inline is refused, never sent as text.
      await expect(all(counted.db, owner, { tenantId: "x' or true --" })).rejects.toThrow(/cannot be inlined/);
    } finally {
      await counted.close();
      await deleteTenant(db.db, owner);
      await deleteTenant(db.db, other);
    }
  });
});
