import { describe, expect, it } from 'vitest';
import { readWav, WavError } from '../../src/audio/wav.ts';
import { readFixture, SPEECH_FIXTURES } from './signals.ts';

function wavBytes(chunks: Array<[string, Uint8Array]>): Uint8Array {
  const body = chunks.flatMap(([id, data]) => {
    const header = new Uint8Array(8);
    header.set(new TextEncoder().encode(id));
    new DataView(header.buffer).setUint32(4, data.length, true);
    return data.length % 2 ? [header, data, new Uint8Array(1)] : [header, data];
  });
  const size = body.reduce((n, part) => n + part.length, 4);
  const out = new Uint8Array(8 + size);
  out.set(new TextEncoder().encode('RIFF'));
  new DataView(out.buffer).setUint32(4, size, true);
  out.set(new TextEncoder().encode('WAVE'), 8);
  let offset = 12;
  for (const part of body) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function fmt(tag: number, channels: number, rate: number, bits: number): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setUint16(0, tag, true);
  view.setUint16(2, channels, true);
  view.setUint32(4, rate, true);
  view.setUint32(8, (rate * channels * bits) / 8, true);
  view.setUint16(12, (channels * bits) / 8, true);
  view.setUint16(14, bits, true);
  return out;
}

describe('readWav', () => {
  it('reads 16-bit PCM, skipping chunks it does not need (odd-sized ones included)', () => {
    const samples = Int16Array.of(1, -2, 32767, -32768);
    const wav = readWav(
      wavBytes([
        ['fmt ', fmt(1, 2, 48_000, 16)],
        ['LIST', new Uint8Array(5)],
        ['data', new Uint8Array(samples.buffer)],
      ]),
    );
    expect(wav).toEqual({ samples, sampleRate: 48_000, channels: 2 });
  });

  it('rejects what it cannot read', () => {
    expect(() => readWav(new Uint8Array(4))).toThrow(WavError);
    expect(() => readWav(wavBytes([['fmt ', fmt(3, 1, 16_000, 32)], ['data', new Uint8Array(8)]]))).toThrow(/16-bit PCM/);
    expect(() => readWav(wavBytes([['fmt ', fmt(1, 1, 16_000, 16)]]))).toThrow(/no data/);
  });

  it('reads the speech fixtures as 16 kHz mono', () => {
    for (const name of SPEECH_FIXTURES) {
      const wav = readFixture(name);
      expect(wav.sampleRate).toBe(16_000);
      expect(wav.channels).toBe(1);
      expect(wav.samples.length).toBeGreaterThan(16_000);
    }
  });
});
