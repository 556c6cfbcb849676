/** A FIFO of PCM samples fed in chunks of any size and read in chunks of another. */
export interface SampleQueue {
  push(samples: Int16Array): void;
  /**
   * Adds up to `count` samples, oldest first, onto `mix` from index 0 (fewer when fewer
   * are queued) and drops them; returns how many. The mixer reads this way every 20 ms
   * without allocating.
   */
  addTo(mix: Int32Array, count: number): number;
  readonly length: number;
}

export function createSampleQueue(): SampleQueue {
  const chunks: Int16Array[] = [];
  /** Read position inside chunks[0]. */
  let offset = 0;
  let length = 0;
  return {
    push(samples) {
      if (samples.length === 0) return;
      // Copied: the writer may reuse its buffer.
      chunks.push(samples.slice());
      length += samples.length;
    },
    addTo(mix, count) {
      const wanted = Math.min(count, length, mix.length);
      let filled = 0;
      while (filled < wanted) {
        const head = chunks[0] as Int16Array;
        const n = Math.min(head.length - offset, wanted - filled);
        for (let i = 0; i < n; i++) mix[filled + i] = (mix[filled + i] as number) + (head[offset + i] as number);
        filled += n;
        offset += n;
        if (offset === head.length) {
          chunks.shift();
          offset = 0;
        }
      }
      length -= wanted;
      return wanted;
    },
    get length() {
      return length;
    },
  };
}
