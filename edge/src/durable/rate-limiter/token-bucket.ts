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
  /** Whole calls left after this one. */
  remaining: number;
  /** When refused: ms until the next call would pass. */
  retryAfterMs: number;
  bucket: Bucket;
}

/** Takes one call from `bucket` (none yet: a full one) at `now`. */
export function take(bucket: Bucket | null, now: number, limit: number, windowMs: number): Verdict {
  const perMs = limit / windowMs;
  const elapsed = bucket ? Math.max(0, now - bucket.at) : 0;
  // A limit lowered since the last call caps what is left at once.
  const tokens = bucket ? Math.min(limit, bucket.tokens + elapsed * perMs) : limit;
  if (tokens >= 1) return { allowed: true, remaining: Math.floor(tokens - 1), retryAfterMs: 0, bucket: { tokens: tokens - 1, at: now } };
  return { allowed: false, remaining: 0, retryAfterMs: Math.ceil((1 - tokens) / perMs), bucket: { tokens, at: now } };
}

/** When a bucket taken from at `bucket.at` is full again, so forgetting it changes nothing. */
export const fullAt = (bucket: Bucket, limit: number, windowMs: number): number => bucket.at + Math.ceil(((limit - bucket.tokens) * windowMs) / limit);
