import { describe, expect, it } from 'vitest';
import { fullAt, take, type Bucket } from './token-bucket.ts';

const MINUTE = 60_000;

/** `count` calls at `now`, the verdict of each. */
function burst(count: number, now: number, limit: number, start: Bucket | null = null) {
  let bucket = start;
  return Array.from({ length: count }, () => {
    const verdict = take(bucket, now, limit, MINUTE);
    bucket = verdict.bucket;
    return verdict;
  });
}

describe('the rate limiter\'s token bucket', () => {
  it('lets `limit` calls through at once and refuses the next, saying when one would pass', () => {
    const verdicts = burst(11, 0, 10);
    expect(verdicts.map((v) => v.allowed)).toEqual([...Array(10).fill(true), false]);
    expect(verdicts.map((v) => v.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0]);
    // 10 a minute: one call back every 6 s.
    expect(verdicts[10]!.retryAfterMs).toBe(6_000);
  });

  it('refills at `limit` a window: after the retry time one call passes, not two', () => {
    const spent = burst(10, 0, 10).at(-1)!.bucket;
    expect(take(spent, 5_999, 10, MINUTE).allowed).toBe(false);
    const [first, second] = burst(2, 6_000, 10, spent);
    expect([first!.allowed, second!.allowed]).toEqual([true, false]);
    expect(second!.retryAfterMs).toBe(6_000);
  });

  it('holds a caller to `limit` a window over time, however they spread their calls', () => {
    let bucket: Bucket | null = null;
    let passed = 0;
    // A call every 100 ms for ten minutes, against 60 a minute.
    for (let now = 0; now < 10 * MINUTE; now += 100) {
      const verdict = take(bucket, now, 60, MINUTE);
      bucket = verdict.bucket;
      if (verdict.allowed) passed++;
    }
    // The first minute's burst of 60, then 60 a minute.
    expect(passed).toBeGreaterThanOrEqual(60 + 9 * 60 - 1);
    expect(passed).toBeLessThanOrEqual(60 + 10 * 60);
  });

  it('never holds more than `limit`, however long it rested, nor more than a lowered limit', () => {
    const spent = burst(5, 0, 5).at(-1)!.bucket;
    expect(burst(6, 100 * MINUTE, 5, spent).filter((v) => v.allowed)).toHaveLength(5);
    const full = take(null, 0, 60, MINUTE).bucket;
    expect(burst(3, 1, 2, full).map((v) => v.allowed)).toEqual([true, true, false]);
  });

  it('knows when a bucket is full again, so it can be forgotten', () => {
    const spent = burst(10, 0, 10).at(-1)!.bucket;
    expect(fullAt(spent, 10, MINUTE)).toBe(MINUTE);
    expect(take(spent, fullAt(spent, 10, MINUTE), 10, MINUTE).remaining).toBe(9);
  });

  it('takes several calls at once, as many as are left, and takes back calls never made', () => {
    const first = take(null, 0, 10, MINUTE, 8);
    expect([first.granted, first.remaining]).toEqual([8, 2]);
    const rest = take(first.bucket, 0, 10, MINUTE, 8);
    expect([rest.allowed, rest.granted, rest.remaining]).toEqual([true, 2, 0]);
    expect(take(rest.bucket, 0, 10, MINUTE, 8)).toMatchObject({ allowed: false, granted: 0 });
    // Five of them given back: five pass again, and never more than the limit.
    expect(take(rest.bucket, 0, 10, MINUTE, 8, 5).granted).toBe(5);
    expect(take(rest.bucket, 0, 10, MINUTE, 16, 16).granted).toBe(10);
  });
});
