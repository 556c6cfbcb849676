import { createOpusEncoder, FRAME_LENGTH } from '../../src/audio/opus.ts';
import { concatPcm } from '../../src/audio/pcm.ts';
import { createOutputUpsampler } from '../../src/audio/resample.ts';
import { readFixture } from '../audio/signals.ts';

/** A speech fixture as a client would send it: 48 kHz stereo, 20 ms Opus frames (last one zero-padded). */
export function fixtureOpusFrames(name: string): Uint8Array[] {
  const { samples, sampleRate } = readFixture(name);
  const upsampler = createOutputUpsampler(sampleRate);
  const all = concatPcm([upsampler.push(samples), upsampler.flush()]);
  const encoder = createOpusEncoder();
  const frames: Uint8Array[] = [];
  for (let at = 0; at < all.length; at += FRAME_LENGTH) {
    const frame = new Int16Array(FRAME_LENGTH);
    frame.set(all.subarray(at, at + FRAME_LENGTH));
    frames.push(encoder.encode(frame));
  }
  encoder.close();
  return frames;
}
