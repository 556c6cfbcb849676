import { describe, expect, it } from 'vitest';
import { createSegmenter, type SegmentEvent } from '../../src/audio/vad/segmenter.ts';
import { DEFAULT_VAD_OPTIONS, type VadOptions } from '../../src/audio/vad/voice-activity-detector.ts';

// 160-sample windows are 10 ms at 16 kHz: round numbers for the expectations below.
const WINDOW = 160;

/** Every event for the probabilities; window i's samples are all i, so kept windows are visible. */
function runAll(probabilities: number[], options: Partial<VadOptions> = {}, end = false): SegmentEvent[] {
  const segmenter = createSegmenter({ ...DEFAULT_VAD_OPTIONS, ...options }, WINDOW);
  const events = probabilities.flatMap((p, i) => segmenter.window(new Int16Array(WINDOW).fill(i), p));
  return end ? [...events, ...segmenter.end()] : events;
}

/** Utterance starts and ends only. */
const run = (probabilities: number[], options: Partial<VadOptions> = {}, end = false) =>
  runAll(probabilities, options, end).filter((event) => event.type === 'start' || event.type === 'end');

const windowsOf = (event: SegmentEvent | undefined) =>
  event?.type === 'end' ? [...new Set(event.samples)] : [];

const speech = (n: number) => Array<number>(n).fill(0.9);
const silence = (n: number) => Array<number>(n).fill(0.05);
const options = { minSpeechMs: 30, hangoverMs: 50, padMs: 20, maxUtteranceMs: 10_000 };

describe('VAD segmenter', () => {
  it('starts after minSpeechMs of speech, ends after hangoverMs of silence, with padMs of context', () => {
    const events = run([...silence(10), ...speech(20), ...silence(10)], options);
    expect(events[0]).toMatchObject({ type: 'start', startMs: 100, detectedMs: 130 });
    const end = events[1];
    expect(end).toMatchObject({ type: 'end', startMs: 100, endMs: 300, reason: 'silence' });
    // Speech windows 10..29 plus two windows of context either side.
    expect(windowsOf(end)).toEqual(Array.from({ length: 24 }, (_, i) => 8 + i));
    expect(events).toHaveLength(2);
  });

  it('ignores blips shorter than minSpeechMs and keeps pauses shorter than the hangover inside', () => {
    const events = run([...speech(2), ...silence(5), ...speech(10), ...silence(4), ...speech(10), ...silence(6)], options);
    expect(events.map((e) => e.type)).toEqual(['start', 'end']);
    expect(events[0]).toMatchObject({ startMs: 70 });
    expect(events[1]).toMatchObject({ startMs: 70, endMs: 310 });
  });

  it('treats probabilities between the thresholds as neither speech nor silence', () => {
    const events = run([0.9, 0.4, 0.4, 0.9, 0.9, ...Array<number>(20).fill(0.4), ...silence(5)], options);
    expect(events.map((e) => e.type)).toEqual(['start', 'end']);
    expect(events[0]).toMatchObject({ startMs: 0, detectedMs: 50 });
    expect(events[1]).toMatchObject({ endMs: 50 });
  });

  it('forgets a candidate that hovers between the thresholds longer than the hangover', () => {
    const events = run([0.9, ...Array<number>(10).fill(0.4), 0.9, 0.4], { ...options, minSpeechMs: 20 });
    expect(events).toEqual([]);
  });

  it('cuts at maxUtteranceMs and carries on as a new utterance while speech continues', () => {
    const events = run([...speech(25), ...silence(6)], { ...options, maxUtteranceMs: 100, padMs: 0 });
    expect(events.map((e) => [e.type, e.startMs])).toEqual([
      ['start', 0],
      ['end', 0],
      ['start', 100],
      ['end', 100],
      ['start', 200],
      ['end', 200],
    ]);
    expect(events[1]).toMatchObject({ reason: 'max-length', endMs: 100 });
    expect(windowsOf(events[1])).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(windowsOf(events[3])).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i));
    expect(events[5]).toMatchObject({ reason: 'silence', endMs: 250 });
  });

  it('closes an open utterance at stream end, and stays quiet when there is none', () => {
    const events = run([...silence(3), ...speech(5), ...silence(1)], options, true);
    expect(events.at(-1)).toMatchObject({ type: 'end', reason: 'stream-end', startMs: 30, endMs: 80 });
    expect(windowsOf(events.at(-1))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(run(silence(20), options, true)).toEqual([]);
  });

  it('streams the utterance as it goes: context and the first speech at the start, then each window', () => {
    const events = runAll([...silence(10), ...speech(20), ...silence(10)], options);
    const start = events[0];
    // Two windows of context, then the three speech windows that made it sure.
    expect(start?.type === 'start' && [...new Set(start.samples)]).toEqual([8, 9, 10, 11, 12]);
    const streamed = events.flatMap((e) => (e.type === 'audio' ? [e.samples[0]] : []));
    expect(streamed).toEqual(Array.from({ length: 40 - 13 }, (_, i) => 13 + i).slice(0, streamed.length));
    expect(streamed.at(-1)).toBe(34);
  });

  it('reports a pause at the first window that is not speech, and a resume when speech comes back', () => {
    const events = runAll([...speech(10), 0.4, ...speech(3), ...silence(2), ...speech(3), ...silence(6)], options);
    expect(events.filter((e) => e.type !== 'audio')).toEqual([
      expect.objectContaining({ type: 'start' }),
      { type: 'pause', endMs: 100 },
      { type: 'resume' },
      { type: 'pause', endMs: 140 },
      { type: 'resume' },
      { type: 'pause', endMs: 190 },
      expect.objectContaining({ type: 'end', endMs: 190 }),
    ]);
  });

  it('works without context padding', () => {
    const events = run([...silence(5), ...speech(5), ...silence(6)], { ...options, padMs: 0 });
    expect(windowsOf(events[1])).toEqual([5, 6, 7, 8, 9]);
  });
});
