import { encodeWav } from '../../../providers/src/wav.ts';

/** `seconds` of a voice-like tone as a 16 kHz mono WAV. */
export function recording(seconds = 2): Uint8Array {
  const samples = new Int16Array(16_000 * seconds);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 180 * i) / 16_000) * Math.sin((Math.PI * i) / samples.length));
  return encodeWav(samples, 16_000);
}
