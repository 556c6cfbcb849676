import { describe, expect, it } from 'vitest';
import { CoalescedWrites } from './coalesced-writes.ts';

describe('coalesced writes', () => {
  it('writes what arrived during a write together in the next, within the bound, settling each caller with its write', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const writer = new CoalescedWrites<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((r) => (release = r));
    }, 4);
    const first = writer.add([1]);
    const waiting = [writer.add([2, 3]), writer.add([4, 5]), writer.add([6])];
    release();
    await Promise.all([first, ...waiting]);
    expect(writes).toEqual([[1], [2, 3, 4, 5], [6]]);
  });

  it('rejects the callers of a failed write only, and goes on', async () => {
    let fail = true;
    const writer = new CoalescedWrites<string>(async () => {
      if (fail) throw new Error('database gone');
    }, 10);
    await expect(writer.add(['a'])).rejects.toThrow('database gone');
    fail = false;
    await expect(writer.add(['b'])).resolves.toBeUndefined();
  });
});
