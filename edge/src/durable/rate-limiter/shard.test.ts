import { describe, expect, it } from 'vitest';
import { LIMITER_SHARDS, shardOf } from './shard.ts';

describe("the rate limiter's shards", () => {
  it('puts an address on the same shard every time, within range', () => {
    for (const address of ['api:user:1', 'auth:ip:203.0.113.9', 'mcp:session:a:npc:b']) {
      const shard = shardOf(address);
      expect(shard).toBe(shardOf(address));
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(LIMITER_SHARDS);
    }
  });

  it('spreads callers over the shards', () => {
    const counts = new Array<number>(LIMITER_SHARDS).fill(0);
    for (let i = 0; i < LIMITER_SHARDS * 100; i++) counts[shardOf(`api:user:${crypto.randomUUID()}`)]!++;
    // 100 an object on average; none empty or holding a multiple of its share.
    expect(Math.min(...counts)).toBeGreaterThan(50);
    expect(Math.max(...counts)).toBeLessThan(160);
  });
});
