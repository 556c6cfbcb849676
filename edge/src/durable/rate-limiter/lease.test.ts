import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LEASE_MS, leasedCall, MAX_LEASE, type Take } from './lease.ts';
import { take, type Bucket } from './token-bucket.ts';

const MINUTE = 60_000;

/** One bucket behind an asynchronous take, as the RateLimiter object keeps it; what each take asked. */
function limiter(limit: number) {
  let bucket: Bucket | null = null;
  const asked: Array<{ count: number; returned: number }> = [];
  const takeFrom: Take = async (count, returned) => {
    asked.push({ count, returned });
    const verdict = take(bucket, Date.now(), limit, MINUTE, count, returned);
    bucket = verdict.bucket;
    return verdict;
  };
  return { takeFrom, asked, tokens: () => bucket?.tokens ?? limit };
}

/** `count` calls one after another; how many passed. Work taken ahead runs before the next call, as a waitUntil would. */
async function calls(address: string, count: number, takeFrom: Take) {
  let passed = 0;
  for (let i = 0; i < count; i++) {
    const ahead: Promise<unknown>[] = [];
    if ((await leasedCall(address, takeFrom, (work) => ahead.push(work))).allowed) passed++;
    await Promise.all(ahead);
  }
  return passed;
}

describe("the rate limiter's leases", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000, toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('takes only the call itself for a caller who pauses between calls, so the limit is exactly as without leases', async () => {
    const { takeFrom, asked } = limiter(5);
    const address = `mcp:${crypto.randomUUID()}`;
    const seen = [];
    for (let i = 0; i < 7; i++) {
      seen.push((await leasedCall(address, takeFrom, () => {})).allowed);
      vi.advanceTimersByTime(LEASE_MS);
    }
    expect(seen).toEqual([true, true, true, true, true, false, false]);
    expect(asked.every((a) => a.count === 1 && a.returned === 0)).toBe(true);
  });

  it('takes calls ahead for a caller in quick succession: a limiter round trip for several calls, never more calls than the limit', async () => {
    const { takeFrom, asked } = limiter(120);
    const address = `mcp:${crypto.randomUUID()}`;
    expect(await calls(address, 200, takeFrom)).toBe(120);
    expect(Math.max(...asked.map((a) => a.count))).toBe(MAX_LEASE);
    // 120 calls passed; the takes after the bucket ran dry are refusals, one each.
    expect(asked.length - 80).toBeLessThan(120 / 4);
  });

  it('gives back the calls a lease held and did not make in time, so a pause costs the caller nothing', async () => {
    const { takeFrom, asked, tokens } = limiter(60);
    const address = `mcp:${crypto.randomUUID()}`;
    await calls(address, 10, takeFrom);
    const held = 60 - 10 - tokens();
    expect(held).toBeGreaterThan(0);
    vi.advanceTimersByTime(LEASE_MS);
    await calls(address, 1, takeFrom);
    expect(asked.at(-1)).toEqual({ count: 1, returned: held });
    // Ten calls then one; the half second refilled half a call.
    expect(tokens()).toBeCloseTo(60 - 11 + 0.5, 5);
  });

  it('takes each of a caller\'s concurrent calls itself while a take is under way (no request waits on another\'s), and passes exactly the limit', async () => {
    const { takeFrom } = limiter(10);
    const address = `mcp:${crypto.randomUUID()}`;
    const ahead: Promise<unknown>[] = [];
    const verdicts = await Promise.all(Array.from({ length: 30 }, () => leasedCall(address, takeFrom, (work) => ahead.push(work))));
    await Promise.all(ahead);
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(10);
    expect(verdicts.find((v) => !v.allowed)!.retryAfterMs).toBe(6_000);
  });

  it('fails the call that waited for a take the limiter could not answer, and recovers after', async () => {
    let down = true;
    const { takeFrom } = limiter(10);
    const flaky: Take = (count, returned) => (down ? Promise.reject(new Error('limiter unreachable')) : takeFrom(count, returned));
    const address = `mcp:${crypto.randomUUID()}`;
    await expect(leasedCall(address, flaky, () => {})).rejects.toThrow('limiter unreachable');
    down = false;
    expect((await leasedCall(address, flaky, () => {})).allowed).toBe(true);
  });
});
