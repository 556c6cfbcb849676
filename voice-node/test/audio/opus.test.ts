import { describe, expect, it } from 'vitest';
import { FRAME_SAMPLES } from '../../src/audio/format.ts';
import { createOpusDecoder, createOpusEncoder, FRAME_LENGTH, SILENCE_FRAME } from '../../src/audio/opus.ts';
import { createSpeakerDecoders } from '../../src/audio/speaker-decoders.ts';
import { channel, concat, noise, sine, toneAmplitude } from './signals.ts';

const frames = (pcm: Int16Array) =>
  Array.from({ length: Math.floor(pcm.length / FRAME_LENGTH) }, (_, i) => pcm.subarray(i * FRAME_LENGTH, (i + 1) * FRAME_LENGTH));

function roundTrip(pcm: Int16Array): Int16Array {
  const encoder = createOpusEncoder();
  const decoder = createOpusDecoder();
  try {
    return concat(frames(pcm).map((frame) => decoder.decode(encoder.encode(frame)) ?? new Int16Array(0)));
  } finally {
    encoder.close();
    decoder.close();
  }
}

describe('Opus encoder and decoder', () => {
  it('round-trip a 440 Hz tone: same frequency, same level, 20 ms per packet', () => {
    const decoded = roundTrip(sine(440, 48_000, 0.5, 0.5, 2));
    expect(decoded.length).toBe(25 * FRAME_LENGTH);
    // Skip the codec's start-up; compare the left channel's tone.
    const left = channel(decoded, 2, 0).subarray(FRAME_SAMPLES * 5);
    expect(toneAmplitude(left, 48_000, 440)).toBeCloseTo(0.5, 1);
    expect(toneAmplitude(left, 48_000, 880)).toBeLessThan(0.01);
  });

  it("decodes Discord's silence frame to 20 ms of silence", () => {
    const decoder = createOpusDecoder();
    const pcm = decoder.decode(SILENCE_FRAME);
    expect(pcm?.length).toBe(FRAME_LENGTH);
    expect(pcm?.every((sample) => sample === 0)).toBe(true);
    decoder.close();
  });

  it('drops and counts corrupt, empty and oversized packets without throwing, then decodes on', () => {
    const encoder = createOpusEncoder();
    const decoder = createOpusDecoder();
    const bad = [new Uint8Array(0), Uint8Array.of(0xff), new Uint8Array(5000).fill(7), Uint8Array.of(0x0c, 0xff, 0xff, 0xff)];
    for (const packet of bad) expect(() => decoder.decode(packet)).not.toThrow();
    // Random bytes either decode to something or are dropped; never a throw.
    for (let seed = 1; seed <= 200; seed++) {
      const garbage = new Uint8Array(noise(40, 1, seed).buffer);
      expect(() => decoder.decode(garbage)).not.toThrow();
    }
    expect(decoder.dropped).toBeGreaterThanOrEqual(3);
    const frame = sine(1000, 48_000, 0.02, 0.3, 2);
    expect(decoder.decode(encoder.encode(frame))?.length).toBe(FRAME_LENGTH);
    encoder.close();
    decoder.close();
    expect(decoder.decode(SILENCE_FRAME)).toBeUndefined();
  });

  it('stay correct with hundreds of codecs alive (opusscript heap growth)', () => {
    const encoder = createOpusEncoder();
    const decoder = createOpusDecoder();
    const many = Array.from({ length: 300 }, () => createOpusDecoder());
    const decoded = concat(frames(sine(440, 48_000, 0.2, 0.5, 2)).map((frame) => decoder.decode(encoder.encode(frame)) ?? new Int16Array(0)));
    expect(decoded.length).toBe(10 * FRAME_LENGTH);
    expect(toneAmplitude(channel(decoded, 2, 1).subarray(FRAME_SAMPLES * 3), 48_000, 440)).toBeCloseTo(0.5, 1);
    expect(many.at(-1)?.decode(SILENCE_FRAME)?.length).toBe(FRAME_LENGTH);
    for (const codec of [encoder, decoder, ...many]) codec.close();
  });

  it('rejects a frame of the wrong length (a caller bug, not a bad packet)', () => {
    const encoder = createOpusEncoder();
    expect(() => encoder.encode(new Int16Array(100))).toThrow(RangeError);
    encoder.close();
  });
});

describe('speaker decoders', () => {
  it('decode each speaker with their own decoder, free it at stream end, and keep the drop count', () => {
    const encoder = createOpusEncoder();
    const decoders = createSpeakerDecoders();
    const packet = encoder.encode(sine(300, 48_000, 0.02, 0.3, 2));
    expect(decoders.decode('alice', packet)?.length).toBe(FRAME_LENGTH);
    expect(decoders.decode('bob', new Uint8Array(0))).toBeUndefined();
    decoders.end('bob');
    decoders.end('nobody');
    expect(decoders.dropped).toBe(1);
    expect(decoders.decode('bob', packet)?.length).toBe(FRAME_LENGTH);
    decoders.close();
    expect(decoders.dropped).toBe(1);
    encoder.close();
  });
});
