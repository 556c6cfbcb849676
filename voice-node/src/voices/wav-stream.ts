import type { PcmChunk } from '@glyphoxa/providers';
import { littleEndianSamples, readWavHeader, WavError } from '../audio/wav.ts';

/** A header longer than this is not a WAV header: it is refused rather than buffered without end. */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * The PCM of a 16-bit mono WAV file while it is still being written (a synthesizer's
 * stdout): the header is read as soon as it is complete, then every chunk of the
 * data is handed out at the header's rate. The data size field is ignored, since
 * streaming writers cannot know it. Throws on anything but 16-bit mono PCM.
 */
export async function* wavPcmStream(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<PcmChunk> {
  let head: Uint8Array = new Uint8Array(0);
  let sampleRate: number | undefined;
  /** A byte of a sample split between two chunks. */
  let carry: number | undefined;

  for await (const chunk of bytes) {
    let data = chunk;
    if (sampleRate === undefined) {
      head = concat(head, chunk);
      const header = readWavHeader(head);
      if (!header) {
        if (head.length > MAX_HEADER_BYTES) throw new WavError('WAV header without a data chunk');
        continue;
      }
      if (header.format.channels !== 1) throw new WavError(`a ${header.format.channels}-channel WAV stream: only mono is streamed`);
      sampleRate = header.format.sampleRate;
      data = head.subarray(header.dataStart);
    }
    if (carry !== undefined && data.length > 0) data = concat(Uint8Array.of(carry), data);
    carry = data.length % 2 === 1 ? data[data.length - 1] : undefined;
    if (data.length >= 2) yield { samples: littleEndianSamples(data), sampleRate };
  }
  if (sampleRate === undefined) throw new WavError('WAV stream ended before its audio');
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
