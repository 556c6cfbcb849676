import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './env.ts';

/** The one error type routes throw; `onError` turns it into the JSON error shape. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly field: string | undefined;
  /** Seconds to wait before trying again, sent as `Retry-After`. */
  readonly retryAfter: number | undefined;

  constructor(status: ContentfulStatusCode, code: string, message: string, field?: string, retryAfter?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

export function errorBody(code: string, message: string, field?: string) {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/**
 * How the database says it is gone or will not serve us, as postgres.js raises it: its own
 * connection errors, the socket's (Node's errno codes; workerd's messages, which carry no
 * code), and the SQLSTATEs of a server refusing or dropping a session (08 connection
 * exceptions, 53300 too many clients, 57P01-57P03 shutting down or starting up).
 */
const UNAVAILABLE_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '53300',
  '57P01',
  '57P02',
  '57P03',
]);
const UNAVAILABLE_MESSAGE = /proxy request failed|network connection lost|connection (refused|reset|terminated)|socket has been closed|stream was cancelled|too many clients|the database system is (starting up|shutting down)/i;

export function databaseUnavailable(err: unknown): boolean {
  // Drizzle wraps the driver's error as the cause of its own.
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = 'code' in e ? String(e.code) : '';
    if (UNAVAILABLE_CODES.has(code) || code.startsWith('08') || UNAVAILABLE_MESSAGE.test(e.message)) return true;
  }
  return false;
}

/** Unique indexes a caller can run into, by the field that holds the value and what taking it twice means. */
const UNIQUE_FIELDS: Record<string, { field: string; message: string }> = {
  tenants_discord_application_id_unique: { field: 'discord_application_id', message: 'This Discord application belongs to another tenant' },
  tenants_discord_public_key_unique: { field: 'discord_public_key', message: 'This Discord public key belongs to another tenant' },
  campaigns_tenant_name_live: { field: 'name', message: 'You already have a campaign of this name' },
  npcs_campaign_name: { field: 'name', message: 'This campaign already has an NPC of this name' },
  entities_campaign_name: { field: 'name', message: 'This campaign already has an entity of this name' },
  lore_documents_campaign_title: { field: 'title', message: 'This campaign already has a document of this title' },
  relationships_edge: { field: 'type', message: 'These entities already have a relationship of this type' },
};

function uniqueConflict(err: unknown): ApiError | undefined {
  for (let e = err; e instanceof Error; e = e.cause) {
    const known = 'code' in e && e.code === '23505' && 'constraint_name' in e ? UNIQUE_FIELDS[String(e.constraint_name)] : undefined;
    if (known) return new ApiError(409, 'conflict', `${known.field}: ${known.message}`, known.field);
  }
  return undefined;
}

/**
 * Never a stack trace on the wire: unexpected errors are logged and answered
 * 500; a database that is out of reach is a 503 the caller can retry.
 */
export function onError(err: Error, c: Context<AppEnv>) {
  const known = err instanceof ApiError ? err : uniqueConflict(err);
  if (known) {
    if (known.retryAfter !== undefined) c.header('retry-after', String(known.retryAfter));
    return c.json(errorBody(known.code, known.message, known.field), known.status);
  }
  if (databaseUnavailable(err)) {
    c.var.log.warn('database unavailable', { error: err.message });
    c.header('retry-after', '1');
    return c.json(errorBody('database_unavailable', 'The database is busy or unreachable; please retry shortly'), 503);
  }
  c.var.log.error('unhandled error', { error: err.message, stack: err.stack });
  return c.json(errorBody('internal', 'Internal server error'), 500);
}

export function notFound(c: Context<AppEnv>) {
  return c.json(errorBody('not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}`), 404);
}
