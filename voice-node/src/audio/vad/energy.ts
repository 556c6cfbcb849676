import type { CreateVoiceActivityDetector } from './voice-activity-detector.ts';
import { createWindowedDetector, type WindowScorer } from './windowed-detector.ts';

/**
 * The fallback when Silero cannot load: loudness against a tracked noise floor. It
 * cannot tell speech from other sound as loud, so noise above the floor counts as
 * speech; it keeps sessions usable, not as good.
 */

/** Speech sits this far above the noise floor, and never below the absolute minimum. */
const MARGIN_DB = 12;
const MIN_SPEECH_DBFS = -50;
/** The floor follows quiet at once and loudness slowly (per 32 ms window: ~3 dB/s), so speech does not become the floor. */
const FLOOR_RISE_DB = 0.1;
const QUIETEST_DBFS = -100;
/** Decibels from the threshold to certainty either way. */
const SLOPE_DB = 8;

export function createEnergyScorer(): WindowScorer {
  let floor = -60;
  return {
    score(window) {
      let sum = 0;
      for (const value of window) sum += value * value;
      const level = Math.max(QUIETEST_DBFS, 10 * Math.log10(sum / window.length || 1e-12));
      floor = level < floor ? level : floor + Math.min(FLOOR_RISE_DB, level - floor);
      const threshold = Math.max(floor + MARGIN_DB, MIN_SPEECH_DBFS);
      return Math.min(1, Math.max(0, 0.5 + (level - threshold) / SLOPE_DB));
    },
    // The noise floor belongs to the room, not the stream: kept across streams.
    reset() {},
  };
}

export const createEnergyDetector: CreateVoiceActivityDetector = (listener, options) =>
  createWindowedDetector(createEnergyScorer(), listener, options);
