import { describe, expect, it } from 'vitest';
import { createOutputUpsampler, createResampler, type Resampler } from '../../src/audio/resample.ts';
import { channel, concat, randomChunks, sameSamples, sine, toneAmplitude } from './signals.ts';

function runChunked(resampler: Resampler, chunks: Int16Array[]): Int16Array {
  return concat([...chunks.map((chunk) => resampler.push(chunk)), resampler.flush()]);
}

/** The steady middle of a signal: away from the filter's start and end transients. */
const middle = (pcm: Int16Array) => pcm.subarray(Math.floor(pcm.length * 0.1), Math.floor(pcm.length * 0.9));

const createSpeechDownsampler = () => createResampler({ inputRate: 48_000, inputChannels: 2, outputRate: 16_000, outputChannels: 1 });

describe('resampler going down (48 kHz stereo -> 16 kHz mono: the reference for decoding straight to 16 kHz)', () => {
  it('keeps a 1 kHz tone at its frequency and level', () => {
    const out = runChunked(createSpeechDownsampler(), [sine(1000, 48_000, 1, 0.5, 2)]);
    expect(out.length).toBe(16_000);
    expect(toneAmplitude(middle(out), 16_000, 1000)).toBeCloseTo(0.5, 2);
  });

  it('downmixes left and right', () => {
    const left = sine(1000, 48_000, 0.5, 0.5);
    const stereo = new Int16Array(left.length * 2);
    left.forEach((value, i) => (stereo[2 * i] = value));
    const out = runChunked(createSpeechDownsampler(), [stereo]);
    expect(toneAmplitude(middle(out), 16_000, 1000)).toBeCloseTo(0.25, 2);
  });

  it('suppresses tones above 8 kHz instead of folding them down (aliasing > 60 dB down)', () => {
    // Naive 3:1 decimation would fold 10 kHz to 6 kHz and 14 kHz to 2 kHz at full level.
    for (const [frequency, alias] of [
      [10_000, 6000],
      [14_000, 2000],
      [9000, 7000],
    ] as const) {
      const out = runChunked(createSpeechDownsampler(), [sine(frequency, 48_000, 1, 0.5, 2)]);
      expect(toneAmplitude(middle(out), 16_000, alias), `${frequency} Hz`).toBeLessThan(0.5 / 1000);
    }
  });

  it('gives bit-identical output however the stream is chunked (no seams) and exact lengths', () => {
    const input = sine(440, 48_000, 3, 0.5, 2);
    const whole = runChunked(createSpeechDownsampler(), [input]);
    const downsampler = createSpeechDownsampler();
    const chunks = randomChunks(input, 2000, 2);
    expect(chunks.length).toBeGreaterThan(100);
    const chunked = runChunked(downsampler, chunks);
    expect(sameSamples(chunked, whole)).toBe(true);
    expect(chunked.length).toBe(48_000);
    // After a flush it starts afresh: the same input gives the same output again.
    expect(sameSamples(runChunked(downsampler, chunks), whole)).toBe(true);
  });

  it('produces 320 samples per 20 ms frame in steady state', () => {
    const downsampler = createSpeechDownsampler();
    const frame = sine(440, 48_000, 0.02, 0.5, 2);
    const lengths = Array.from({ length: 50 }, () => downsampler.push(frame).length);
    expect(lengths.slice(1).every((length) => length === 320)).toBe(true);
    expect(lengths.reduce((a, b) => a + b) + downsampler.flush().length).toBe(50 * 320);
  });
});

describe('output upsampler (mono, any rate -> 48 kHz stereo)', () => {
  for (const rate of [22_050, 24_000, 16_000, 44_100, 11_025]) {
    it(`${rate} Hz: tone kept, images suppressed, exact length over many chunks`, () => {
      const input = sine(1000, rate, 2, 0.5);
      const chunks = randomChunks(input, 1500);
      const out = runChunked(createOutputUpsampler(rate), chunks);
      expect(out.length).toBe(2 * Math.ceil((input.length * 48_000) / rate));
      const left = channel(out, 2, 0);
      expect(sameSamples(channel(out, 2, 1), left)).toBe(true);
      expect(toneAmplitude(middle(left), 48_000, 1000)).toBeCloseTo(0.5, 2);
      // The first image of 1 kHz sits at rate - 1 kHz.
      expect(toneAmplitude(middle(left), 48_000, rate - 1000)).toBeLessThan(0.5 / 1000);
      expect(sameSamples(runChunked(createOutputUpsampler(rate), [input]), out)).toBe(true);
    });
  }

  it('has no click at chunk seams: a 440 Hz tone never jumps more than a sine can', () => {
    const upsampler = createOutputUpsampler(22_050);
    const left = middle(channel(runChunked(upsampler, randomChunks(sine(440, 22_050, 1, 0.9), 300)), 2, 0));
    const maxStep = (2 * Math.PI * 440 * 0.9 * 32767) / 48_000;
    let worst = 0;
    for (let i = 1; i < left.length; i++) worst = Math.max(worst, Math.abs((left[i] as number) - (left[i - 1] as number)));
    expect(worst).toBeLessThan(maxStep * 1.05);
  });

  it('passes 48 kHz mono through, only duplicating channels', () => {
    const input = Int16Array.of(1, -2, 3);
    expect(createOutputUpsampler(48_000).push(input)).toEqual(Int16Array.of(1, 1, -2, -2, 3, 3));
  });

  it('rejects rates that are not positive integers and half stereo frames', () => {
    expect(() => createOutputUpsampler(0)).toThrow(RangeError);
    expect(() => createOutputUpsampler(22_050.5)).toThrow(RangeError);
    expect(() =>
      createResampler({ inputRate: 48_000, inputChannels: 2, outputRate: 16_000, outputChannels: 1 }).push(new Int16Array(3)),
    ).toThrow(RangeError);
  });
});
