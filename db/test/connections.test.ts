import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, uniqueId } from './backends.ts';

/** `url` as another user or database. */
function as(url: string, change: { user?: string; database?: string }): string {
  const next = new URL(url);
  if (change.user) next.username = change.user;
  if (change.database) next.pathname = `/${change.database}`;
  return next.toString();
}

/** What the server answers a connection: the rows of `select`, or its error's SQLSTATE and message. */
async function connect(url: string, options: postgres.Options<{}> = {}) {
  const sql = postgres(url, { max: 1, prepare: false, connect_timeout: 5, onnotice: () => {}, ...options });
  try {
    const [row] = await sql`select current_user as user, session_user as session, current_database() as database`;
    return { ...row };
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  } finally {
    await sql.end({ timeout: 1 });
  }
}

// The embedded database answers connections as Postgres does, so both run the same expectations.
describe.each(backends())('connecting to $name', (backend) => {
  const login = uniqueId('gx_login').replaceAll('-', '_');
  let admin: postgres.Sql;

  beforeAll(async () => {
    await backend.setup();
    admin = postgres(backend.url(), { max: 1, prepare: false, onnotice: () => {} });
    await admin.unsafe(`create role ${login} login`);
  });
  afterAll(async () => {
    await admin?.unsafe(`drop role if exists ${login}`);
    await admin?.end({ timeout: 1 });
    await backend.teardown();
  });

  it('refuses a database that does not exist with 3D000', async () => {
    expect(await connect(as(backend.url(), { database: 'no_such_database_here' }))).toEqual({
      code: '3D000',
      message: 'database "no_such_database_here" does not exist',
    });
  });

  it('refuses a role that does not exist with 28000', async () => {
    expect(await connect(as(backend.url(), { user: 'no_such_role_here' }))).toEqual({
      code: '28000',
      message: 'role "no_such_role_here" does not exist',
    });
  });

  it('refuses a role that may not log in', async () => {
    expect(await connect(as(backend.url(), { user: 'app_user' }))).toEqual({
      code: '28000',
      message: 'role "app_user" is not permitted to log in',
    });
  });

  it('serves a role that may log in as that role, in the database asked for', async () => {
    const database = new URL(backend.url()).pathname.slice(1);
    expect(await connect(as(backend.url(), { user: login }))).toEqual({ user: login, session: login, database });
  });

  it('refuses a startup setting it does not know, and applies one it does', async () => {
    expect(await connect(backend.url(), { connection: { no_such_setting: 'on' } })).toEqual({
      code: '42704',
      message: 'unrecognized configuration parameter "no_such_setting"',
    });
    const sql = postgres(backend.url(), { max: 1, prepare: false, connection: { search_path: 'drizzle' } });
    try {
      const [row] = await sql`select current_setting('search_path') as path`;
      expect(row!.path).toBe('drizzle');
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});

describe('connecting to the embedded Postgres', () => {
  const [embedded] = backends();
  beforeAll(() => embedded!.setup());
  afterAll(() => embedded!.teardown());

  it('refuses a database that exists but that PGlite does not hold, saying so', async () => {
    expect(await connect(as(embedded!.url(), { database: 'template1' }))).toEqual({
      code: '0A000',
      message: 'database "template1" exists, but the embedded Postgres serves only "postgres"',
    });
  });
});
