/**
 * A token bucket: `limit` calls at once, refilled at `limit` per `windowMs` (one every
 * `windowMs / limit`), so a caller keeps to `limit` a window over time while a burst of
 * up to `limit` passes. Pure, so the policy is tested without workerd.
 */

export interface Bucket {
  /** Calls left, fractional while it refills. */
  tokens: number;
  /** When `tokens` was last computed (epoch ms). */
  at: number;
}

export interface Verdict {
  allowed: boolean;
  /** Calls taken: `count` or as many as were left, 0 when refused. */
  granted: number;
  /** Whole calls left after these. */
  remaining: number;
  /** When refused: ms until the next call would pass. */
  retryAfterMs: number;
  bucket: Bucket;
}

/**
 * Takes up to `count` calls from `bucket` (none yet: a full one) at `now`, as many as it
 * holds (`granted`); refused when not even one is left. `returned` calls, taken earlier
 * and never made, go back first: the bucket is then what it would be had they not been taken.
 */
export function take(bucket: Bucket | null, now: number, limit: number, windowMs: number, count = 1, returned = 0): Verdict {
  const perMs = limit / windowMs;
  const elapsed = bucket ? Math.max(0, now - bucket.at) : 0;
  // A limit lowered since the last call caps what is left at once.
  const tokens = bucket ? Math.min(limit, bucket.tokens + returned + elapsed * perMs) : limit;
  if (tokens >= 1) {
    const granted = Math.min(count, Math.floor(tokens));
    return { allowed: true, granted, remaining: Math.floor(tokens - granted), retryAfterMs: 0, bucket: { tokens: tokens - granted, at: now } };
  }
  return { allowed: false, granted: 0, remaining: 0, retryAfterMs: Math.ceil((1 - tokens) / perMs), bucket: { tokens, at: now } };
}

/** When a bucket taken from at `bucket.at` is full again, so forgetting it changes nothing. */
export const fullAt = (bucket: Bucket, limit: number, windowMs: number): number => bucket.at + Math.ceil(((limit - bucket.tokens) * windowMs) / limit);
