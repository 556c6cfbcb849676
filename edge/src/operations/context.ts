import type { Database } from '@glyphoxa/db';
import type { Logger } from '@glyphoxa/protocol';
import type { Context } from 'hono';
import type { AppEnv, Bindings } from '../env.ts';

/** What every operation gets from the door it came through, besides the principal and its input. */
export interface OperationContext {
  env: Bindings;
  db: () => Database;
  log: Logger;
  /** Keeps work running after the answer went out (command registration). */
  waitUntil: (work: Promise<unknown>) => void;
  /** The caller's address for the audit trail; null when the door is not HTTP from a person. */
  ip: string | null;
}

/** An HTTP request's operation context. */
export function httpContext(c: Context<AppEnv>): OperationContext {
  return {
    env: c.env,
    db: c.var.db,
    log: c.var.log,
    waitUntil: (work) => c.executionCtx.waitUntil(work),
    ip: c.req.header('cf-connecting-ip') ?? null,
  };
}
