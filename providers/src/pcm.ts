import type { PcmChunk } from './types.ts';

/**
 * 16-bit PCM as bytes, little-endian: the byte order of every vendor's `linear16`
 * / `pcm` format and of WAV. Written out byte by byte so the host's order never matters.
 */
export function pcmToBytes(samples: Int16Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i]!;
    bytes[2 * i] = sample & 0xff;
    bytes[2 * i + 1] = (sample >> 8) & 0xff;
  }
  return bytes;
}

/** Little-endian bytes to samples (storing into an Int16Array restores the sign); a trailing odd byte is ignored. */
export function bytesToPcm(bytes: Uint8Array): Int16Array {
  const samples = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
  return samples;
}

/**
 * Raw PCM as a vendor streams it, cut at sample boundaries: network chunks may
 * end in the middle of a sample, so an odd byte waits for the next chunk.
 */
export async function* pcmChunks(body: AsyncIterable<Uint8Array>, sampleRate: number): AsyncGenerator<PcmChunk> {
  let carry: number | undefined;
  for await (const chunk of body) {
    let bytes = chunk;
    if (carry !== undefined && bytes.length > 0) {
      bytes = new Uint8Array(chunk.length + 1);
      bytes[0] = carry;
      bytes.set(chunk, 1);
    }
    carry = bytes.length % 2 === 1 ? bytes[bytes.length - 1] : undefined;
    if (bytes.length >= 2) yield { samples: bytesToPcm(bytes), sampleRate };
  }
}
