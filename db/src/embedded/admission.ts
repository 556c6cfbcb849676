import type { PGlite } from '@electric-sql/pglite';
import type { SessionSettings } from './client-session.ts';

/** Why a connection is refused, as Postgres words it (SQLSTATE and message). */
export interface Refusal {
  code: string;
  message: string;
}

/** Startup parameters that say who connects to what, rather than set a setting. */
const NOT_SETTINGS = new Set(['user', 'database', 'options', 'replication']);

/**
 * Decides a connection as Postgres would, from the roles and databases this
 * PGlite really has: an unknown role or database is refused with Postgres's own
 * error, never served as something else. PGlite holds one database, so another
 * one that exists (template1, or one made with CREATE DATABASE) is refused too,
 * saying so.
 */
export async function admit(pglite: PGlite, parameters: Record<string, string>, served: string): Promise<Refusal | null> {
  const user = parameters.user;
  if (!user) return { code: '28000', message: 'no PostgreSQL user name specified in startup packet' };
  const database = parameters.database || user;
  if (parameters.replication && parameters.replication !== 'false') {
    return { code: '0A000', message: 'the embedded Postgres does not serve replication connections' };
  }
  const {
    rows: [found],
  } = await pglite.query<{ login: boolean | null; open: boolean | null }>(
    `select (select rolcanlogin from pg_catalog.pg_roles where rolname = $1) as login,
            (select datallowconn from pg_catalog.pg_database where datname = $2) as open`,
    [user, database],
  );
  if (found?.login == null) return { code: '28000', message: `role "${user}" does not exist` };
  if (!found.login) return { code: '28000', message: `role "${user}" is not permitted to log in` };
  if (found.open == null) return { code: '3D000', message: `database "${database}" does not exist` };
  if (!found.open) return { code: '55000', message: `database "${database}" is not currently accepting connections` };
  if (database !== served) {
    return { code: '0A000', message: `database "${database}" exists, but the embedded Postgres serves only "${served}"` };
  }
  return null;
}

/**
 * The session an admitted client starts with: every other startup parameter
 * (and each `-c name=value` in `options`) is a setting, as Postgres applies
 * them, and a user other than the bootstrap superuser is the session's user.
 */
export function startupSettings(parameters: Record<string, string>, bootstrapUser: string): SessionSettings {
  const settings = new Map<string, string>();
  for (const [name, value] of Object.entries(parameters)) {
    if (!NOT_SETTINGS.has(name) && !name.startsWith('_pq_.')) settings.set(name, value);
  }
  for (const [name, value] of commandLineSettings(parameters.options ?? '')) settings.set(name, value);
  if (parameters.user !== bootstrapUser) settings.set('session_authorization', parameters.user!);
  return settings;
}

/** `-c name=value`, `-cname=value` and `--name=value` from libpq's `options` (backslash escapes a space). */
function commandLineSettings(options: string): Array<[string, string]> {
  const words = options.match(/(?:\\.|\S)+/g)?.map((word) => word.replace(/\\(.)/g, '$1')) ?? [];
  const settings: Array<[string, string]> = [];
  for (let i = 0; i < words.length; i++) {
    let word = words[i]!;
    if (word === '-c') word = words[++i] ?? '';
    else if (word.startsWith('-c')) word = word.slice(2);
    else if (word.startsWith('--')) word = word.slice(2);
    else continue;
    const equals = word.indexOf('=');
    if (equals > 0) settings.push([word.slice(0, equals).replaceAll('-', '_'), word.slice(equals + 1)]);
  }
  return settings;
}
