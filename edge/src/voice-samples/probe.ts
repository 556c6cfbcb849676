import type { AudioInfo } from './audio-info.ts';
import { tagAt } from './audio-info.ts';
import { readMp3 } from './mp3.ts';
import { SampleRefused } from './sample-error.ts';
import { readWav } from './wav.ts';

/** What a voice sample may be: what voice cloning wants (ElevenLabs asks for clean speech, a few seconds or more). */
export const SAMPLE_LIMITS = { maxBytes: 10 * 1024 * 1024, maxDurationMs: 10_000, minDurationMs: 1_000 } as const;

/**
 * The format, duration, rate and channels of an upload, read from its bytes (never its
 * name or declared type), within the sample limits; anything else is refused naming why.
 */
export function probeSample(bytes: Uint8Array): AudioInfo {
  if (bytes.length > SAMPLE_LIMITS.maxBytes) {
    throw new SampleRefused(413, 'file_too_large', `The file is ${megabytes(bytes.length)} MB; a voice sample may be at most ${megabytes(SAMPLE_LIMITS.maxBytes)} MB`);
  }
  if (bytes.length === 0) throw new SampleRefused(422, 'invalid_audio', 'The file is empty');
  const info = tagAt(bytes, 0) === 'RIFF' ? readWav(bytes) : looksLikeMp3(bytes) ? readMp3(bytes) : null;
  if (!info) throw new SampleRefused(415, 'unsupported_audio', 'The file is neither WAV nor MP3 audio');
  if (info.durationMs > SAMPLE_LIMITS.maxDurationMs) {
    throw new SampleRefused(422, 'sample_too_long', `The recording lasts ${seconds(info.durationMs)} s; a voice sample may last at most ${seconds(SAMPLE_LIMITS.maxDurationMs)} s`);
  }
  if (info.durationMs < SAMPLE_LIMITS.minDurationMs) {
    throw new SampleRefused(422, 'sample_too_short', `The recording lasts ${seconds(info.durationMs)} s; a voice needs at least ${seconds(SAMPLE_LIMITS.minDurationMs)} s of speech to clone`);
  }
  return info;
}

/** An ID3v2 tag, or a frame sync at the start. */
const looksLikeMp3 = (bytes: Uint8Array) => tagAt(bytes, 0, 3) === 'ID3' || (bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0);

const megabytes = (n: number) => (n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '');
const seconds = (ms: number) => (ms / 1000).toFixed(1).replace(/\.0$/, '');
