/**
 * Which of the limiter's objects keeps a counter. A fixed, small set of objects (not one a
 * caller) stays awake while there is any load: workerd frees an object 10 s after its last
 * call, so with one object a caller every caller slower than that (a backlog, or just a
 * user reading a page) paid a fresh object's start (its SQLite file, schema, alarm) on its
 * next call, and under a backlog those starts were the backlog (docs/BENCHMARKS.md).
 */
export const LIMITER_SHARDS = 64;

/** The shard of a counter's address: FNV-1a of its text, so a caller always lands on the same one. */
export function shardOf(address: string, shards = LIMITER_SHARDS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < address.length; i++) hash = Math.imul(hash ^ address.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shards;
}
