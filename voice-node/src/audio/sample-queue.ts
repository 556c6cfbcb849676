/** A FIFO of PCM samples fed in chunks of any size and read in chunks of another. */
export interface SampleQueue {
  push(samples: Int16Array): void;
  /** Up to `count` samples, oldest first (fewer when fewer are queued). */
  take(count: number): Int16Array;
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
    take(count) {
      const out = new Int16Array(Math.min(count, length));
      let filled = 0;
      while (filled < out.length) {
        const head = chunks[0] as Int16Array;
        const n = Math.min(head.length - offset, out.length - filled);
        out.set(head.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (offset === head.length) {
          chunks.shift();
          offset = 0;
        }
      }
      length -= out.length;
      return out;
    },
    get length() {
      return length;
    },
  };
}
