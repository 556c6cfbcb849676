import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probeSample, SAMPLE_LIMITS } from './probe.ts';
import type { SampleRefused } from './sample-error.ts';

/** Real recordings, made by test/fixtures/voice-samples/make.sh (espeak-ng, sox, lame). */
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../test/fixtures/voice-samples/${name}`, import.meta.url)));

function refusal(bytes: Uint8Array): SampleRefused {
  try {
    probeSample(bytes);
  } catch (error) {
    return error as SampleRefused;
  }
  throw new Error('the sample was accepted');
}

/** The spoken sentence lasts 1824 ms; MP3s without a LAME tag also carry the encoder's delay and padding. */
describe('a voice sample is read from its bytes', () => {
  it.each([
    ['speech-22k-mono-s16.wav', { format: 'wav', durationMs: 1824, sampleRate: 22050, channels: 1 }],
    ['speech-8k-4ch-s16.wav', { format: 'wav', durationMs: 1824, sampleRate: 8000, channels: 4 }],
    ['speech-11k-stereo-s24.wav', { format: 'wav', durationMs: 1824, sampleRate: 11025, channels: 2 }],
    ['speech-8k-mono-f32.wav', { format: 'wav', durationMs: 1824, sampleRate: 8000, channels: 1 }],
    ['cbr-44k-mono.mp3', { format: 'mp3', durationMs: 1824, sampleRate: 44100, channels: 1 }],
    ['vbr-32k-stereo.mp3', { format: 'mp3', durationMs: 1824, sampleRate: 32000, channels: 2 }],
    ['no-header-44k.mp3', { format: 'mp3', durationMs: 1855, sampleRate: 44100, channels: 1 }],
    ['mpeg2-16k-mono.mp3', { format: 'mp3', durationMs: 1908, sampleRate: 16000, channels: 1 }],
    ['id3-mpeg25-8k.mp3', { format: 'mp3', durationMs: 2016, sampleRate: 8000, channels: 1 }],
  ])('%s', (name, expected) => {
    expect(probeSample(fixture(name))).toEqual(expected);
  });

  it('takes the frame count of a VBRI header', () => {
    // A Fraunhofer VBRI frame, as some encoders write, declaring 60 frames in front of the 71 plain ones.
    const stream = fixture('no-header-44k.mp3');
    const vbri = new Uint8Array(stream.subarray(0, 4 + 200));
    vbri.fill(0, 4);
    vbri.set(new TextEncoder().encode('VBRI'), 36);
    new DataView(vbri.buffer).setUint32(36 + 14, 60);
    const frameLength = Math.floor((144 * 48_000) / 44_100) + ((stream[2]! >> 1) & 1);
    const withHeader = new Uint8Array([...vbri.subarray(0, frameLength), ...stream]);
    expect(probeSample(withHeader).durationMs).toBe(Math.round(((60 * 1152) / 44_100) * 1000));
  });
});

describe('a voice sample is refused, saying why', () => {
  it.each([
    ['long-8k-mono-u8.wav', /lasts 10\.9 s; a voice sample may last at most 10 s/],
    ['long-8k.mp3', /lasts 11\.1 s; a voice sample may last at most 10 s/],
  ])('%s is too long', (name, message) => {
    expect(refusal(fixture(name))).toMatchObject({ status: 422, code: 'sample_too_long', field: 'file', message: expect.stringMatching(message) });
  });

  it('over 10 MB, before it is read', () => {
    expect(refusal(new Uint8Array(SAMPLE_LIMITS.maxBytes + 1))).toMatchObject({ status: 413, code: 'file_too_large', message: expect.stringContaining('at most 10 MB') });
  });

  it('truncated', () => {
    const wav = fixture('speech-22k-mono-s16.wav');
    expect(refusal(wav.subarray(0, wav.length / 2)).message).toMatch(/WAV is truncated: its data chunk says \d+ bytes, the file holds \d+/);
    const tagged = fixture('cbr-44k-mono.mp3');
    expect(refusal(tagged.subarray(0, 8000)).message).toMatch(/MP3 is truncated/);
    const walked = fixture('no-header-44k.mp3');
    expect(refusal(walked.subarray(0, walked.length - 50)).message).toMatch(/MP3 is truncated: its last frame is cut/);
    expect(refusal(wav.subarray(0, 30)).code).toBe('invalid_audio');
  });

  it('garbage, or audio of another kind', () => {
    const noise = crypto.getRandomValues(new Uint8Array(4096));
    noise[0] = 0x42;
    expect(refusal(noise)).toMatchObject({ status: 415, code: 'unsupported_audio' });
    expect(refusal(new TextEncoder().encode('RIFF....WAVEjunkjunkjunk'))).toMatchObject({ status: 422, code: 'invalid_audio' });
    expect(refusal(new TextEncoder().encode('OggS\0\x02 a vorbis file'))).toMatchObject({ status: 415 });
    const mp3 = fixture('no-header-44k.mp3');
    const broken = new Uint8Array(mp3);
    broken.fill(0x55, 2000, 2400);
    expect(refusal(broken).message).toMatch(/MP3 stream is broken at byte \d+/);
    expect(refusal(new Uint8Array(0)).message).toBe('The file is empty');
  });

  it('shorter than a voice can be cloned from', () => {
    const wav = fixture('speech-22k-mono-s16.wav');
    const view = new DataView(wav.buffer, wav.byteOffset);
    // Keep 0.5 s of its data: a valid WAV that says so.
    const dataAt = 36;
    expect(String.fromCharCode(...wav.subarray(dataAt, dataAt + 4))).toBe('data');
    const keep = 22050;
    view.setUint32(dataAt + 4, keep, true);
    expect(refusal(wav.subarray(0, dataAt + 8 + keep))).toMatchObject({ code: 'sample_too_short', message: expect.stringContaining('lasts 0.5 s') });
  });

  it('a WAV that is not PCM', () => {
    const wav = new Uint8Array(fixture('speech-22k-mono-s16.wav'));
    new DataView(wav.buffer).setUint16(20, 0x11, true); // IMA ADPCM
    expect(refusal(wav).message).toMatch(/WAV encoding 17 is not supported/);
  });
});
