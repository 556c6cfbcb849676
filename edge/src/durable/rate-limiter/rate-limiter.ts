import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../../env.ts';
import { fullAt, take, type Bucket } from './token-bucket.ts';

export interface RateVerdict {
  allowed: boolean;
  remaining: number;
  retryAfterMs: number;
}

interface Stored extends Bucket {
  /** The limit the bucket was last taken against, `limit` a `windowMs`. */
  limit: number;
  windowMs: number;
}

/**
 * One caller's calls against one limit (addressed as `<limit>:<caller>`, see
 * middleware/rate-limit.ts): a Durable Object handles one call at a time, so every
 * isolate of every location counts against the same bucket. The bucket lives in the
 * object's SQLite storage (one row, written each call, read once per waking), and an alarm forgets
 * it once it is full again, so idle callers leave nothing behind.
 */
export class RateLimiter extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;
  /**
   * The stored bucket as of the last call (undefined: not read since the object woke). The
   * object is its bucket's only writer and takes one call at a time, so after the first
   * call it need not read storage again: a call is one write.
   */
  private bucket: Stored | null | undefined;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec('create table if not exists bucket (id integer primary key check (id = 1), tokens real not null, at integer not null, "limit" integer not null, window_ms integer not null)');
  }

  /** Takes one call, if the limit (`limit` a `windowMs`) leaves one. */
  take(limit: number, windowMs: number): RateVerdict {
    const now = Date.now();
    const stored = this.bucket === undefined ? this.stored() : this.bucket;
    const verdict = take(stored, now, limit, windowMs);
    if (!stored) void this.ctx.storage.setAlarm(now + windowMs);
    this.sql.exec('insert or replace into bucket (id, tokens, at, "limit", window_ms) values (1, ?, ?, ?, ?)', verdict.bucket.tokens, verdict.bucket.at, limit, windowMs);
    this.bucket = { ...verdict.bucket, limit, windowMs };
    return { allowed: verdict.allowed, remaining: verdict.remaining, retryAfterMs: verdict.retryAfterMs };
  }

  override async alarm(): Promise<void> {
    const stored = this.stored();
    this.bucket = stored;
    if (!stored) return;
    const due = fullAt(stored, stored.limit, stored.windowMs);
    if (due > Date.now()) return this.ctx.storage.setAlarm(due);
    this.sql.exec('delete from bucket');
    this.bucket = null;
  }

  private stored(): Stored | null {
    const [row] = this.sql.exec<{ tokens: number; at: number; limit: number; window_ms: number }>('select tokens, at, "limit", window_ms from bucket').toArray();
    return row ? { tokens: row.tokens, at: row.at, limit: row.limit, windowMs: row.window_ms } : null;
  }
}
