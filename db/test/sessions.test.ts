import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/client.ts';
import { createTenant, getTenant, listTenants } from '../src/repos/tenants.ts';
import { withTenant } from '../src/tenant-isolation/transactions.ts';
import { backends, uniqueId } from './backends.ts';

/** The settings pg_dump makes on its connection before it reads anything. */
const PG_DUMP_PREAMBLE = `
  SET statement_timeout = 0; SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0;
  SET client_encoding = 'UTF8'; SET standard_conforming_strings = on;
  SELECT pg_catalog.set_config('search_path', '', false);
  SET check_function_bodies = false; SET xmloption = content; SET client_min_messages = warning;
  SET row_security = off; SET extra_float_digits TO 3; SET DATESTYLE = ISO;`;

const raw = (url: string) => postgres(url, { max: 1, prepare: false, fetch_types: false, onnotice: () => {} });

// Each connection has its own session on Postgres; the embedded one must keep it so too.
describe.each(backends())('session settings on $name', (backend) => {
  let tool: postgres.Sql;
  let app: ReturnType<typeof createDb>;
  let defaults: { path: string; style: string };
  const tenant = uniqueId('sessions');

  beforeAll(async () => {
    await backend.setup();
    tool = raw(backend.url());
    app = createDb(backend.url(), { max: 4 });
    await createTenant(app.db, { id: tenant });
    [defaults] = await app.client<[typeof defaults]>`select current_setting('search_path') as path, current_setting('DateStyle') as style`;
  });
  afterAll(async () => {
    await tool?.end({ timeout: 1 });
    await app?.close();
    await backend.teardown();
  });

  it('keeps what a tool sets on its connection away from every other client', async () => {
    await tool.unsafe('set search_path to drizzle');
    await tool.unsafe(PG_DUMP_PREAMBLE);
    await tool.unsafe(`set app.mark = 'tool'; set role app_operator`);
    for (let turn = 0; turn < 10; turn++) {
      // The product's own queries, interleaved with the tool's.
      const [listed, scoped] = await Promise.all([listTenants(app.db, { limit: 5 }), withTenant(app.db, tenant, (tx) => getTenant(tx, tenant))]);
      expect(listed.length).toBeGreaterThan(0);
      expect(scoped?.id).toBe(tenant);
      const [theirs] = await app.client`select current_setting('search_path') as path, current_setting('row_security') as rls,
        current_setting('app.mark', true) as mark, current_user as user, current_setting('DateStyle') as style`;
      // Unset reads as NULL on Postgres; PGlite keeps the name it once saw, empty.
      expect({ ...theirs, mark: theirs!.mark || null }).toEqual({ path: defaults.path, rls: 'on', mark: null, user: 'postgres', style: defaults.style });
      const [mine] = await tool`select current_setting('search_path') as path, current_setting('row_security') as rls,
        current_setting('app.mark', true) as mark, current_user as user`;
      expect(mine).toEqual({ path: '', rls: 'off', mark: 'tool', user: 'app_operator' });
    }
  });

  it('gives a connection back its defaults on RESET, without touching the others', async () => {
    const other = raw(backend.url());
    try {
      await other.unsafe(`set search_path to drizzle`);
      await tool.unsafe('reset role; reset all');
      const [mine] = await tool`select current_setting('search_path') as path, current_user as user`;
      expect(mine).toEqual({ path: defaults.path, user: 'postgres' });
      const [theirs] = await other`select current_setting('search_path') as path`;
      expect(theirs!.path).toBe('drizzle');
    } finally {
      await other.end({ timeout: 1 });
    }
  });

  it('forgets the statements a connection prepared once it is gone', async () => {
    const first = raw(backend.url());
    await first.unsafe('prepare gx_lookup as select 1 as n');
    await first.end({ timeout: 1 });
    const second = raw(backend.url());
    try {
      await second.unsafe('prepare gx_lookup as select 2 as n');
      expect(await second.unsafe('execute gx_lookup')).toEqual([{ n: 2 }]);
    } finally {
      await second.end({ timeout: 1 });
    }
  });
});
