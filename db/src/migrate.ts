import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as runMigrations } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));
/** Any constant works; it only has to be the same for every process migrating. */
const MIGRATION_LOCK_KEY = 0x67_6c_79_70;
const APP_ROLES = ['app_user', 'app_operator', 'app_account'] as const;

/**
 * Applies the committed migrations. Idempotent, and safe from several
 * processes at once: they queue on a session advisory lock.
 * Around drizzle's migrator it does what a schema cannot say: create the
 * cluster-wide roles, let the migrating user switch to them, grant them the
 * tables, and FORCE row-level security on every table that has it enabled, so
 * that even the owner is bound by the policies.
 */
export async function migrate(connectionString: string): Promise<void> {
  const client = postgres(connectionString, { max: 1, prepare: false, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      for (const role of APP_ROLES) await ensureRole(client, role);
      await runMigrations(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
      await grantAndForce(client);
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

async function ensureRole(client: postgres.Sql, role: string): Promise<void> {
  // Roles are shared by every database of the cluster, so another database's
  // migration may create it between our check and our CREATE.
  await client.unsafe(`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = '${role}') then
        create role ${role} nologin;
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`);
  await client.unsafe(`
    do $$ begin
      if not pg_has_role(current_user, '${role}', 'member') then
        execute format('grant ${role} to %I', current_user);
      end if;
    end $$`);
}

async function grantAndForce(client: postgres.Sql): Promise<void> {
  const roles = APP_ROLES.join(', ');
  await client.unsafe(`grant usage on schema public to ${roles}`);
  await client.unsafe(`grant select, insert, update, delete on all tables in schema public to ${roles}`);
  await client.unsafe(`grant usage, select on all sequences in schema public to ${roles}`);
  const tables = await client<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and c.relrowsecurity and not c.relforcerowsecurity`;
  for (const { name } of tables) await client.unsafe(`alter table "${name}" force row level security`);
}
