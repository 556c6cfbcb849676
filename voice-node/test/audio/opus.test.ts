import { describe, expect, it } from 'vitest';
import { FRAME_SAMPLES } from '../../src/audio/format.ts';
import { createOpusDecoder, createOpusEncoder, FRAME_LENGTH, SILENCE_FRAME, SPEECH_FORMAT } from '../../src/audio/opus.ts';
import { createResampler } from '../../src/audio/resample.ts';
import { createSpeakerDecoders } from '../../src/audio/speaker-decoders.ts';
import { fixtureOpusFrames } from '../transport/fixture-frames.ts';
import { channel, concat, noise, rms, sine, toneAmplitude } from './signals.ts';

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

describe('decoding straight to 16 kHz mono (what VAD and STT take)', () => {
  /** The reference: decode at 48 kHz stereo, then downmix and filter down with the 80 dB resampler. */
  function reference(packets: Uint8Array[]): Int16Array {
    const decoder = createOpusDecoder();
    const resampler = createResampler({ inputRate: 48_000, inputChannels: 2, outputRate: 16_000, outputChannels: 1 });
    const out = concat([...packets.map((packet) => resampler.push(decoder.decode(packet)!)), resampler.flush()]);
    decoder.close();
    return out;
  }

  it('matches the 48 kHz decode filtered down, on real speech (> 35 dB signal to difference), 320 samples a packet', () => {
    const packets = fixtureOpusFrames('grimjaw-what-do-you-sell');
    const decoder = createOpusDecoder(SPEECH_FORMAT);
    const direct = concat(packets.map((packet) => decoder.decode(packet)!));
    decoder.close();
    expect(direct.length).toBe(packets.length * 320);
    const expected = reference(packets);
    // Line the two up: each path has its own filter delay (a few samples at 16 kHz).
    let best = { shift: 0, difference: Number.POSITIVE_INFINITY };
    for (let shift = -40; shift <= 40; shift++) {
      const difference = new Int16Array(direct.length - 80);
      for (let i = 0; i < difference.length; i++) difference[i] = (direct[i + 40] as number) - (expected[i + 40 + shift] as number);
      const value = rms(difference);
      if (value < best.difference) best = { shift, difference: value };
    }
    const signal = rms(expected.subarray(40, direct.length - 40));
    expect(signal).toBeGreaterThan(0.02);
    // 43 dB when written: the two differ by coding noise far below the speech.
    expect(20 * Math.log10(signal / best.difference)).toBeGreaterThan(35);
    // Same delay within two samples: the VAD's timings do not move.
    expect(Math.abs(best.shift)).toBeLessThanOrEqual(2);
  });

  it('downmixes stereo, keeps a tone at its level, and decodes the silence frame to 20 ms of zeros', () => {
    const encoder = createOpusEncoder();
    const decoder = createOpusDecoder(SPEECH_FORMAT);
    const left = sine(1000, 48_000, 0.5, 0.5);
    const stereo = new Int16Array(left.length * 2);
    left.forEach((value, i) => (stereo[2 * i] = value));
    const decoded = concat(frames(stereo).map((frame) => decoder.decode(encoder.encode(frame))!));
    expect(toneAmplitude(decoded.subarray(320 * 5), 16_000, 1000)).toBeCloseTo(0.25, 1);
    encoder.close();
    decoder.close();
    const fresh = createOpusDecoder(SPEECH_FORMAT);
    const silence = fresh.decode(SILENCE_FRAME);
    expect(silence?.length).toBe(320);
    expect(silence?.every((sample) => sample === 0)).toBe(true);
    fresh.close();
  });
});

describe('speaker decoders', () => {
  it('decode each speaker with their own decoder to 16 kHz mono, free it at stream end, and keep the drop count', () => {
    const encoder = createOpusEncoder();
    const decoders = createSpeakerDecoders();
    const packet = encoder.encode(sine(300, 48_000, 0.02, 0.3, 2));
    expect(decoders.decode('alice', packet)?.length).toBe(320);
    expect(decoders.decode('bob', new Uint8Array(0))).toBeUndefined();
    decoders.end('bob');
    decoders.end('nobody');
    expect(decoders.dropped).toBe(1);
    expect(decoders.decode('bob', packet)?.length).toBe(320);
    decoders.close();
    expect(decoders.dropped).toBe(1);
    encoder.close();
  });
});
