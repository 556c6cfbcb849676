import { describe, expect, it } from 'vitest';
import { bytesToPcm, pcmChunks, pcmToBytes } from '../src/pcm.ts';
import { encodeWav } from '../src/wav.ts';
import { readWav } from './stand-ins/wav-reader.ts';

const SAMPLES = Int16Array.from([0, 1, -1, 32767, -32768, 256, -257, 12345]);

async function* pieces(bytes: Uint8Array, sizes: number[]) {
  let offset = 0;
  for (const size of sizes) {
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

describe('PCM bytes', () => {
  it('are little-endian both ways, signs included', () => {
    expect([...pcmToBytes(Int16Array.from([1, -2, 0x1234]))]).toEqual([1, 0, 0xfe, 0xff, 0x34, 0x12]);
    expect(bytesToPcm(pcmToBytes(SAMPLES))).toEqual(SAMPLES);
  });

  it('are re-cut at sample boundaries when a stream splits a sample', async () => {
    const bytes = pcmToBytes(SAMPLES);
    const chunks = [];
    for await (const chunk of pcmChunks(pieces(bytes, [3, 1, 0, 5, 1, 6]), 24_000)) chunks.push(chunk);

    expect(chunks.map((chunk) => chunk.samples.length)).toEqual([1, 1, 2, 1, 3]);
    expect(chunks.every((chunk) => chunk.sampleRate === 24_000)).toBe(true);
    expect(Int16Array.from(chunks.flatMap((chunk) => [...chunk.samples]))).toEqual(SAMPLES);
  });
});

describe('encodeWav', () => {
  it('writes a canonical 44-byte header for mono 16-bit PCM at the given rate', () => {
    const wav = encodeWav(SAMPLES, 16_000);
    const view = new DataView(wav.buffer);
    const text = (offset: number) => String.fromCharCode(...wav.subarray(offset, offset + 4));

    expect([text(0), text(8), text(12), text(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(view.getUint32(4, true)).toBe(wav.length - 8);
    expect([view.getUint16(20, true), view.getUint16(22, true), view.getUint32(24, true), view.getUint32(28, true), view.getUint16(32, true), view.getUint16(34, true)]).toEqual([
      1, 1, 16_000, 32_000, 2, 16,
    ]);
    expect(view.getUint32(40, true)).toBe(SAMPLES.length * 2);
    expect(readWav(wav)).toEqual(SAMPLES);
  });
});
