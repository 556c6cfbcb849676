import { describe, expect, it } from 'vitest';
import { GatheredCalls } from './gathered-calls.ts';

describe('gathered calls', () => {
  it('sends the calls made within the gathering time as one batch, those made during it in the next, each caller getting its own result', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const calls = new GatheredCalls<number, string>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((r) => (release = r));
        return items.map((n) => `#${n}`);
      },
      { gatherMs: 20, maxItems: 10 },
    );
    const first = [calls.call(1), calls.call(2)];
    await new Promise((r) => setTimeout(r, 40));
    const during = [calls.call(3), calls.call(4)];
    release();
    expect(await Promise.all([...first, ...during])).toEqual(['#1', '#2', '#3', '#4']);
    expect(batches).toEqual([[1, 2], [3, 4]]);
  });

  it('goes at once when a batch is full, never over the bound', async () => {
    const batches: number[][] = [];
    const calls = new GatheredCalls<number, number>(async (items) => (batches.push(items), items), { gatherMs: 60_000, maxItems: 2 });
    // Two fill the first batch; the third waits its gathering time, so it is not awaited here.
    await Promise.all([calls.call(1), calls.call(2)]);
    void calls.call(3);
    expect(batches).toEqual([[1, 2]]);
  });

  it('fails the callers of a failed batch only, and goes on', async () => {
    let fail = true;
    const calls = new GatheredCalls<string, string>(
      async (items) => {
        if (fail) throw new Error('database gone');
        return items;
      },
      { gatherMs: 0, maxItems: 10 },
    );
    await expect(calls.call('a')).rejects.toThrow('database gone');
    fail = false;
    await expect(calls.call('b')).resolves.toBe('b');
  });
});
