import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './env.ts';

/** The one error type routes throw; `onError` turns it into the JSON error shape. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: ContentfulStatusCode, code: string, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

export function errorBody(code: string, message: string, field?: string) {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/** Postgres refusing or dropping connections (too many clients, starting up, unreachable). */
const DATABASE_UNAVAILABLE = /too many clients|the database system is (starting up|shutting down)|ECONNREFUSED|ECONNRESET|connection (refused|terminated)|proxy request failed|CONNECT_TIMEOUT/i;

function databaseUnavailable(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (DATABASE_UNAVAILABLE.test(e.message) || ('code' in e && (e.code === '53300' || e.code === '57P03'))) return true;
  }
  return false;
}

/**
 * Never a stack trace on the wire: unexpected errors are logged and answered
 * 500; a database that is out of reach is a 503 the caller can retry.
 */
export function onError(err: Error, c: Context<AppEnv>) {
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.field), err.status);
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
