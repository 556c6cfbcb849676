import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../../env.ts';
import { fullAt, take, type Bucket } from './token-bucket.ts';

export interface RateVerdict {
  allowed: boolean;
  /** Calls taken (of the `count` asked for), 0 when refused. */
  granted: number;
  remaining: number;
  retryAfterMs: number;
}

interface Stored extends Bucket {
  /** The limit the bucket was last taken against, `limit` a `windowMs`. */
  limit: number;
  windowMs: number;
}

type Row = {
  key: string;
  tokens: number;
  at: number;
  limit: number;
  window_ms: number;
};

/** The most calls one `take` takes or gives back: an isolate's lease is smaller (lease.ts). */
const MAX_TAKEN = 16;
const wholeIn = (n: number, least: number, most: number) => (Number.isInteger(n) ? Math.min(most, Math.max(least, n)) : least);

const stored = (row: Row): Stored => ({ tokens: row.tokens, at: row.at, limit: row.limit, windowMs: row.window_ms });

/**
 * The counters of the callers on one shard (shard.ts; addressed as `shard:<n>`, see
 * middleware/rate-limit.ts), each bucket a row keyed by `<limit>:<caller>`: a Durable Object
 * handles one call at a time, so every isolate of every location counts against the same
 * bucket. Buckets live in the object's SQLite storage (a row written each call, read once
 * per waking), and one alarm forgets those that are full again, so idle callers leave
 * nothing behind.
 */
export class RateLimiter extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;
  /**
   * The stored buckets as of their last call (absent: not read since the object woke, or
   * forgotten by the alarm). The object is its buckets' only writer and takes one call at a
   * time, so after a caller's first call it need not read storage again: a call is one write.
   */
  private readonly buckets = new Map<string, Stored>();
  /** Whether an alarm is set since the object woke: one at a time covers every bucket. */
  private alarmSet = false;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec('create table if not exists buckets (key text primary key, tokens real not null, at integer not null, "limit" integer not null, window_ms integer not null) without rowid');
  }

  /**
   * Takes up to `count` calls of `key`'s, as many as its limit (`limit` a `windowMs`) leaves,
   * after giving back `returned` taken before and never made (lease.ts: an isolate's calls
   * taken ahead). At least one left, or refused.
   */
  take(key: string, limit: number, windowMs: number, count = 1, returned = 0): RateVerdict {
    const now = Date.now();
    const bucket = this.buckets.get(key) ?? this.read(key);
    const verdict = take(bucket, now, limit, windowMs, wholeIn(count, 1, MAX_TAKEN), wholeIn(returned, 0, MAX_TAKEN));
    if (!this.alarmSet) {
      // Later than any bucket written so far is full again; the alarm then sets the next one.
      void this.ctx.storage.setAlarm(now + windowMs);
      this.alarmSet = true;
    }
    this.sql.exec('insert or replace into buckets (key, tokens, at, "limit", window_ms) values (?, ?, ?, ?, ?)', key, verdict.bucket.tokens, verdict.bucket.at, limit, windowMs);
    this.buckets.set(key, { ...verdict.bucket, limit, windowMs });
    return { allowed: verdict.allowed, granted: verdict.granted, remaining: verdict.remaining, retryAfterMs: verdict.retryAfterMs };
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    let next = Infinity;
    for (const row of this.sql.exec<Row>('select key, tokens, at, "limit", window_ms from buckets').toArray()) {
      const bucket = stored(row);
      const due = fullAt(bucket, bucket.limit, bucket.windowMs);
      if (due > now) {
        next = Math.min(next, due);
        this.buckets.set(row.key, bucket);
      } else {
        this.sql.exec('delete from buckets where key = ?', row.key);
        // Its next call reads storage again (and finds nothing): memory holds live buckets only.
        this.buckets.delete(row.key);
      }
    }
    this.alarmSet = next < Infinity;
    if (this.alarmSet) return this.ctx.storage.setAlarm(next);
    // The one-caller objects of before the shards (a `bucket` table of one row) are only woken by their last alarm: it empties them.
    this.sql.exec('drop table if exists bucket');
  }

  private read(key: string): Stored | null {
    const [row] = this.sql.exec<Row>('select key, tokens, at, "limit", window_ms from buckets where key = ?', key).toArray();
    return row ? stored(row) : null;
  }
}
