import { describe, expect, it } from 'vitest';
import { newStreamState, openSileroSession, scoreBatch } from '../../src/audio/vad/silero-batch.ts';
import { resolveSileroModelPath } from '../../src/audio/vad/silero.ts';
import { WINDOW_SAMPLES } from '../../src/audio/vad/windowed-detector.ts';
import { readFixture, SPEECH_FIXTURES } from './signals.ts';

/** The fixture's 32 ms windows, scaled as the detector scales them. */
function windowsOf(name: string): Float32Array[] {
  const { samples } = readFixture(name);
  const windows: Float32Array[] = [];
  for (let at = 0; at + WINDOW_SAMPLES <= samples.length; at += WINDOW_SAMPLES) {
    windows.push(Float32Array.from(samples.subarray(at, at + WINDOW_SAMPLES), (value) => value / 32768));
  }
  return windows;
}

describe('Silero scored in batches', () => {
  it('gives each stream the probabilities it gets alone, its state carried between its windows', async () => {
    const { ort, session } = await openSileroSession(resolveSileroModelPath());
    try {
      const streams = SPEECH_FIXTURES.map(windowsOf);
      const length = Math.min(...streams.map((windows) => windows.length));
      const alone: number[][] = [];
      for (const windows of streams) {
        const state = newStreamState();
        const probabilities: number[] = [];
        for (const window of windows.slice(0, length)) probabilities.push(...(await scoreBatch(ort, session, [{ window, state }])));
        alone.push(probabilities);
      }
      const states = streams.map(() => newStreamState());
      const together: number[][] = streams.map(() => []);
      for (let i = 0; i < length; i++) {
        const probabilities = await scoreBatch(ort, session, streams.map((windows, s) => ({ window: windows[i]!, state: states[s]! })));
        probabilities.forEach((probability, s) => together[s]!.push(probability));
      }
      // Speech is in there: the comparison is not of silence with silence.
      for (const probabilities of alone) expect(Math.max(...probabilities)).toBeGreaterThan(0.9);
      together.forEach((probabilities, s) => probabilities.forEach((probability, i) => expect(probability).toBeCloseTo(alone[s]![i]!, 4)));
    } finally {
      await session.release();
    }
  });
});
