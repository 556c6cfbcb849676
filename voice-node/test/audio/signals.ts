import { readFileSync } from 'node:fs';
import { readWav, type WavAudio } from '../../src/audio/wav.ts';

/** Test signals and measurements shared by the audio tests. */

export const FIXTURES = new URL('../fixtures/audio/', import.meta.url);

export function readFixture(name: string): WavAudio {
  return readWav(readFileSync(new URL(`${name}.wav`, FIXTURES)));
}

export const SPEECH_FIXTURES = ['grimjaw-what-do-you-sell', 'elara-tell-me-about-the-tower', 'everyone-stop'] as const;

/** A sine at `amplitude` (0..1 of full scale), duplicated across `channels`. */
export function sine(frequency: number, sampleRate: number, seconds: number, amplitude = 0.5, channels = 1): Int16Array {
  const frames = Math.round(sampleRate * seconds);
  const out = new Int16Array(frames * channels);
  for (let i = 0; i < frames; i++) {
    const value = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * frequency * i) / sampleRate));
    for (let c = 0; c < channels; c++) out[i * channels + c] = value;
  }
  return out;
}

/** Deterministic white noise (xorshift), so a failing test fails the same way twice. */
export function noise(samples: number, amplitude: number, seed = 1): Int16Array {
  const out = new Int16Array(samples);
  let state = seed;
  for (let i = 0; i < samples; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = Math.round(((state >>> 0) / 0xffffffff - 0.5) * 2 * amplitude * 32767);
  }
  return out;
}

/** One channel of interleaved PCM. */
export function channel(pcm: Int16Array, channels: number, index: number): Int16Array {
  const out = new Int16Array(pcm.length / channels);
  for (let i = 0; i < out.length; i++) out[i] = pcm[i * channels + index] as number;
  return out;
}

/** Amplitude (0..1 of full scale) of the `frequency` component, by correlation with a complex tone. */
export function toneAmplitude(pcm: Int16Array, sampleRate: number, frequency: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < pcm.length; i++) {
    const angle = (2 * Math.PI * frequency * i) / sampleRate;
    re += (pcm[i] as number) * Math.cos(angle);
    im += (pcm[i] as number) * Math.sin(angle);
  }
  return (2 * Math.hypot(re, im)) / pcm.length / 32767;
}

export function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const value of pcm) sum += value * value;
  return Math.sqrt(sum / Math.max(1, pcm.length)) / 32767;
}

export { concatPcm as concat } from '../../src/audio/pcm.ts';

/** Splits into chunks of pseudo-random sizes (multiples of `step`) up to `max`. */
export function randomChunks(pcm: Int16Array, max: number, step = 1, seed = 7): Int16Array[] {
  const chunks: Int16Array[] = [];
  let state = seed;
  for (let at = 0; at < pcm.length; ) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const size = Math.min(pcm.length - at, step * (1 + (state % Math.max(1, Math.floor(max / step)))));
    chunks.push(pcm.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

/** Sample-exact equality; vitest's deep equality is slow on arrays of this size. */
export function sameSamples(a: Int16Array, b: Int16Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}
