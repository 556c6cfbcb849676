import type { PGlite } from '@electric-sql/pglite';
import { textLiteral } from '../sql-literal.ts';
import { readCString } from '../wire/messages.ts';

/** Setting name → value, as `set_config(name, value, false)` takes them back. */
export type SessionSettings = ReadonlyMap<string, string>;

// A statement's start: the text's start or a `;`, then blanks and comments.
const START = String.raw`(?:^|;)\s*(?:(?:--[^\n]*(?:\n|$)|/\*[\s\S]*?\*/)\s*)*`;
/** SET (not LOCAL, TRANSACTION or CONSTRAINTS), RESET and DISCARD change the session's settings. */
const SESSION_COMMAND = new RegExp(`${START}(?:set\\s+(?!local\\b|transaction\\b|constraints\\b)|reset\\b|discard\\b)`, 'i');
const SET_CONFIG = /\bset_config\s*\(/gi;
const MAY_MATTER = /set|discard|prepare|deallocate/i;
/** Dotted (extension or application) setting names: Postgres lists none of them in pg_settings. */
const CUSTOM_NAME = /\b(?:set\s+(?:session\s+)?|set_config\s*\(\s*')("?[a-z_][\w$]*"?\s*\.\s*"?[a-z_][\w$]*"?)/gi;
const PREPARE = new RegExp(`${START}prepare\\s+(?!transaction\\b)("[^"]+"|[a-z_][\\w$]*)`, 'gi');
const DEALLOCATE = new RegExp(`${START}deallocate\\s+(?:prepare\\s+)?("[^"]+"|[a-z_][\\w$]*)`, 'gi');

/**
 * What one client connection has made of PGlite's single session: the settings
 * it changed, kept while other clients use the session and put back before its
 * next turn, as if it had a Postgres session of its own; and the prepared
 * statements it left, dropped when it goes. Changes are noticed from the SQL
 * the client sends (SET, RESET, DISCARD, set_config(…, false)) and read back
 * from Postgres itself, so the common client (transaction-local settings only)
 * costs nothing. Temporary tables, LISTEN and session advisory locks remain
 * shared by every client.
 */
export class ClientSession {
  /** The settings as the client last left them (its startup parameters at first). */
  settings: SessionSettings;
  /** Its last turn may have changed settings: read them back before another client runs. */
  dirty = true;
  connected = true;
  /** Named prepared statements it created (protocol Parse or SQL PREPARE). */
  readonly statements = new Set<string>();
  readonly customNames = new Set<string>();

  constructor(settings: SessionSettings) {
    this.settings = settings;
  }

  /** Notes what a unit of the client's messages is about to do to the session. */
  observe(messages: Uint8Array[]): void {
    for (const message of messages) {
      const type = String.fromCharCode(message[0]!);
      const body = message.subarray(5);
      if (type === 'Q') this.observeSql(readCString(body).value);
      else if (type === 'P') {
        const name = readCString(body);
        if (name.value) this.statements.add(name.value);
        this.observeSql(readCString(body, name.next).value);
      } else if (type === 'C' && body[0] === 'S'.charCodeAt(0)) this.statements.delete(readCString(body, 1).value);
    }
  }

  private observeSql(sql: string): void {
    // Every statement that could matter holds one of these words; most hold none.
    if (!MAY_MATTER.test(sql)) return;
    if (SESSION_COMMAND.test(sql) || changesSessionSetting(sql)) {
      this.dirty = true;
      for (const [, name] of sql.matchAll(CUSTOM_NAME)) this.customNames.add(identifier(name!.replace(/\s+/g, '')));
    }
    for (const [, name] of sql.matchAll(PREPARE)) this.statements.add(identifier(name!));
    for (const [, name] of sql.matchAll(DEALLOCATE)) {
      if (name!.toLowerCase() === 'all') this.statements.clear();
      else this.statements.delete(identifier(name!));
    }
  }
}

/** Any `set_config(…)` whose third argument is not the literal `true` (transaction-local). */
function changesSessionSetting(sql: string): boolean {
  for (const match of sql.matchAll(SET_CONFIG)) {
    const args = callArguments(sql, match.index + match[0].length);
    if (!/^(true|'t(rue)?')$/i.test(args[2]?.trim() ?? '')) return true;
  }
  return false;
}

/** The top-level comma-separated arguments of a call whose `(` ends just before `from`. */
function callArguments(sql: string, from: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote = '';
  let start = from;
  for (let i = from; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ',' && depth === 0) (args.push(sql.slice(start, i)), (start = i + 1));
    else if (c === ')' && depth-- === 0) return [...args, sql.slice(start, i)];
  }
  return args;
}

/** An identifier as Postgres folds it: quoted kept as written, otherwise lower case. */
function identifier(name: string): string {
  return name
    .split('.')
    .map((part) => (part.startsWith('"') ? part.slice(1, -1) : part.toLowerCase()))
    .join('.');
}

/** A client's session settings as Postgres has them now: what SET changed, its role and session user. */
export async function readSessionSettings(pglite: PGlite, session: ClientSession, bootstrapUser: string): Promise<SessionSettings> {
  const { rows } = await pglite.query<{ name: string; value: string }>(
    `select name, setting as value from pg_catalog.pg_settings where source = 'session'
     union all select 'session_authorization', session_user::text where session_user <> $1
     union all select 'role', current_setting('role') where current_setting('role') <> 'none'
     union all select name, current_setting(name, true) from unnest($2::text[]) as name
       where coalesce(current_setting(name, true), '') <> ''`,
    [bootstrapUser, [...session.customNames]],
  );
  return new Map(rows.map((row) => [row.name, row.value]));
}

/**
 * Puts the session back to the server's defaults, then applies `settings`; in
 * one implicit transaction, so a setting Postgres refuses leaves the session as it was.
 */
export async function applySessionSettings(pglite: PGlite, settings: SessionSettings, bootstrapUser: string): Promise<void> {
  // Who the client is comes last: the role after the session user, both after settings a superuser may make.
  const order = (name: string) => (name === 'session_authorization' ? 1 : name === 'role' ? 2 : 0);
  const calls = [...settings]
    .sort(([a], [b]) => order(a) - order(b))
    .map(([name, value]) => `pg_catalog.set_config(${textLiteral(name)}, ${textLiteral(value)}, false)`);
  await pglite.exec(
    // RESET SESSION AUTHORIZATION does nothing in PGlite: name the bootstrap user instead.
    `select pg_catalog.set_config('session_authorization', ${textLiteral(bootstrapUser)}, false); reset role; reset all;` +
      (calls.length > 0 ? ` select ${calls.join(', ')};` : ''),
  );
}

export function sameSettings(a: SessionSettings, b: SessionSettings): boolean {
  if (a.size !== b.size) return false;
  for (const [name, value] of a) if (b.get(name) !== value) return false;
  return true;
}


