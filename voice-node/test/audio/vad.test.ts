import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@glyphoxa/protocol';
import { SPEECH_SAMPLE_RATE } from '../../src/audio/format.ts';
import { createEnergyDetector } from '../../src/audio/vad/energy.ts';
import { loadVadEngine } from '../../src/audio/vad/load.ts';
import { loadSileroModel, type SileroModel } from '../../src/audio/vad/silero.ts';
import {
  DEFAULT_VAD_OPTIONS,
  type CreateVoiceActivityDetector,
  type SpeechEnd,
  type SpeechStart,
  type VadOptions,
} from '../../src/audio/vad/voice-activity-detector.ts';
import { concat, noise, readFixture, SPEECH_FIXTURES } from './signals.ts';

interface Detection {
  starts: SpeechStart[];
  ends: SpeechEnd[];
  errors: unknown[];
}

/** Streams audio through a detector in 20 ms chunks, as the pipeline feeds it, then ends the stream. */
async function detect(create: CreateVoiceActivityDetector, samples: Int16Array, options?: Partial<VadOptions>): Promise<Detection> {
  const result: Detection = { starts: [], ends: [], errors: [] };
  const detector = create(
    {
      onSpeechStart: (event) => result.starts.push(event),
      onSpeechEnd: (event) => result.ends.push(event),
      onError: (error) => result.errors.push(error),
    },
    options,
  );
  for (let at = 0; at < samples.length; at += 320) detector.push(samples.subarray(at, at + 320));
  await detector.end();
  detector.close();
  return result;
}

/** Where speech really is: from the first to the end of the last 10 ms block above -40 dBFS. */
function speechSpan(samples: Int16Array): { onset: number; offset: number } {
  const loud: number[] = [];
  for (let at = 0; at + 160 <= samples.length; at += 160) {
    let sum = 0;
    for (let i = at; i < at + 160; i++) sum += (samples[i] as number) ** 2;
    if (Math.sqrt(sum / 160) / 32768 > 0.01) loud.push((at * 1000) / SPEECH_SAMPLE_RATE);
  }
  if (loud.length === 0) throw new Error('no speech in fixture');
  return { onset: loud[0] as number, offset: (loud.at(-1) as number) + 10 };
}
const onsetMs = (samples: Int16Array) => speechSpan(samples).onset;

const seconds = (s: number) => new Int16Array(s * SPEECH_SAMPLE_RATE);
const log = createLogger({}, { sink: () => {} });

describe('Silero VAD', () => {
  let model: SileroModel;
  beforeAll(async () => {
    model = await loadSileroModel();
  });
  afterAll(() => model.close());

  for (const name of SPEECH_FIXTURES) {
    it(`finds one utterance in "${name}", starting within 100 ms of the speech`, async () => {
      const { samples } = readFixture(name);
      const { starts, ends, errors } = await detect(model.createDetector, samples);
      expect(errors).toEqual([]);
      expect(starts).toHaveLength(1);
      expect(ends).toHaveLength(1);
      const { onset, offset } = speechSpan(samples);
      const start = starts[0] as SpeechStart;
      expect(start.detectedMs - onset).toBeLessThanOrEqual(100);
      expect(Math.abs(start.startMs - onset)).toBeLessThanOrEqual(64);
      const end = ends[0] as SpeechEnd;
      expect(end.reason).toBe('silence');
      // With its padding, the utterance holds all of the speech.
      const pad = DEFAULT_VAD_OPTIONS.padMs;
      expect(end.startMs - pad).toBeLessThanOrEqual(onset);
      expect(end.endMs + pad).toBeGreaterThanOrEqual(offset);
      expect(end.samples.length).toBeGreaterThanOrEqual(((offset - onset) * SPEECH_SAMPLE_RATE) / 1000);
    });
  }

  it('hears nothing in silence or in steady white noise', async () => {
    expect((await detect(model.createDetector, seconds(3))).starts).toEqual([]);
    for (const amplitude of [0.01, 0.1, 0.3]) {
      expect((await detect(model.createDetector, noise(3 * SPEECH_SAMPLE_RATE, amplitude))).starts, `noise ${amplitude}`).toEqual([]);
    }
  });

  it('finds each utterance of a conversation, stream state carried across them', async () => {
    const parts = SPEECH_FIXTURES.map((name) => readFixture(name).samples);
    const conversation = concat(parts.flatMap((part) => [part, seconds(1)]));
    const { starts, ends } = await detect(model.createDetector, conversation);
    expect(starts).toHaveLength(3);
    expect(ends.map((end) => end.reason)).toEqual(['silence', 'silence', 'silence']);
  });

  it('lets detectors of different speakers run at once on the one model', async () => {
    const results = await Promise.all(SPEECH_FIXTURES.map((name) => detect(model.createDetector, readFixture(name).samples)));
    expect(results.map((r) => r.ends.length)).toEqual([1, 1, 1]);
  });
});

describe('energy VAD (fallback)', () => {
  for (const name of SPEECH_FIXTURES) {
    it(`finds the speech in "${name}"`, async () => {
      const { samples } = readFixture(name);
      const { starts, ends } = await detect(createEnergyDetector, samples);
      expect(starts.length).toBeGreaterThanOrEqual(1);
      expect((starts[0] as SpeechStart).detectedMs - onsetMs(samples)).toBeLessThanOrEqual(100);
      expect(ends.length).toBe(starts.length);
    });
  }

  it('hears nothing in silence', async () => {
    expect((await detect(createEnergyDetector, seconds(2))).starts).toEqual([]);
  });
});

describe('loadVadEngine', () => {
  it('loads Silero, and falls back to the energy detector when the model cannot load', async () => {
    const silero = await loadVadEngine(log);
    expect(silero.kind).toBe('silero');
    await silero.close();
    const lines: string[] = [];
    const fallback = await loadVadEngine(createLogger({}, { sink: (line) => lines.push(line) }), {
      modelPath: '/nonexistent/silero_vad.onnx',
    });
    expect(fallback.kind).toBe('energy');
    expect(lines.join('\n')).toMatch(/energy detector/);
    const { starts } = await detect(fallback.createDetector, readFixture('everyone-stop').samples);
    expect(starts).toHaveLength(1);
  });
});
