import { describe, expect, it } from 'vitest';
import { wavPcmStream } from '../../src/voices/wav-stream.ts';

/** A WAV file as a streaming writer makes it: data size unknown, optional extra chunk before the data. */
function wav(samples: number[], options: { rate?: number; channels?: number; bits?: number; extra?: boolean } = {}): Uint8Array {
  const { rate = 22050, channels = 1, bits = 16, extra = false } = options;
  const parts: number[] = [];
  const ascii = (text: string) => parts.push(...[...text].map((c) => c.charCodeAt(0)));
  const u32 = (n: number) => parts.push(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
  const u16 = (n: number) => parts.push(n & 0xff, (n >> 8) & 0xff);
  ascii('RIFF');
  u32(0xffffffff);
  ascii('WAVE');
  if (extra) {
    ascii('LIST');
    u32(3);
    parts.push(1, 2, 3, 0); // odd size: one pad byte
  }
  ascii('fmt ');
  u32(16);
  u16(1);
  u16(channels);
  u32(rate);
  u32(rate * channels * 2);
  u16(channels * 2);
  u16(bits);
  ascii('data');
  u32(0xffffffff);
  for (const s of samples) u16(s & 0xffff);
  return Uint8Array.from(parts);
}

async function* pieces(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(bytes: AsyncIterable<Uint8Array>) {
  const samples: number[] = [];
  const rates = new Set<number>();
  for await (const chunk of wavPcmStream(bytes)) {
    samples.push(...chunk.samples);
    rates.add(chunk.sampleRate);
  }
  return { samples, rates: [...rates] };
}

const SAMPLES = [0, 1, -1, 32767, -32768, 1234, -4321, 7];

describe('WAV stream', () => {
  it.each([1, 2, 3, 7, 45, 1000])('reads the header and samples whatever the chunking (%i bytes)', async (size) => {
    expect(await collect(pieces(wav(SAMPLES, { extra: true }), size))).toEqual({ samples: SAMPLES, rates: [22050] });
  });

  it('hands out samples before the stream ends', async () => {
    let ended = false;
    async function* slow() {
      yield wav(SAMPLES);
      yield new Uint8Array([5, 0]);
      ended = true;
    }
    const iterator = wavPcmStream(slow());
    const first = await iterator.next();
    expect(first.value?.samples.length).toBe(SAMPLES.length);
    expect(ended).toBe(false);
    await iterator.return(undefined);
  });

  it('refuses what is not 16-bit mono PCM, and a stream that ends before its audio', async () => {
    await expect(collect(pieces(wav(SAMPLES, { channels: 2 }), 64))).rejects.toThrow(/only mono/);
    await expect(collect(pieces(wav(SAMPLES, { bits: 8 }), 64))).rejects.toThrow(/only 16-bit PCM/);
    await expect(collect(pieces(new TextEncoder().encode('Usage: espeak-ng [options] ["<words>"]'), 8))).rejects.toThrow(/not a RIFF/);
    await expect(collect(pieces(wav([]).subarray(0, 30), 8))).rejects.toThrow(/ended before its audio/);
  });
});
