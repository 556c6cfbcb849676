import { SPEECH_SAMPLE_RATE } from '../format.ts';
import { concatPcm } from '../pcm.ts';
import type { SpeechEnd, SpeechPause, SpeechStart, VadOptions } from './voice-activity-detector.ts';

/**
 * Turns per-window speech probabilities into utterances: the state machine shared by
 * every detector (the model only scores windows). Synchronous and deterministic.
 */
export interface Segmenter {
  /** One scored window; returns the events it completes, in order. */
  window(samples: Int16Array, probability: number): Array<SegmentEvent>;
  /** Stream end: closes an open utterance. */
  end(): Array<SegmentEvent>;
}

export type SegmentEvent =
  | ({ type: 'start' } & SpeechStart)
  | { type: 'audio'; samples: Int16Array }
  | ({ type: 'pause' } & SpeechPause)
  | { type: 'resume' }
  | ({ type: 'end' } & SpeechEnd);

export function createSegmenter(options: VadOptions, windowSamples: number): Segmenter {
  const windowMs = (windowSamples * 1000) / SPEECH_SAMPLE_RATE;
  const windowsFor = (ms: number) => Math.max(1, Math.ceil(ms / windowMs));
  const padWindows = Math.round(options.padMs / windowMs);
  const minSpeechWindows = windowsFor(options.minSpeechMs);
  const hangoverWindows = windowsFor(options.hangoverMs);
  const maxWindows = windowsFor(options.maxUtteranceMs);

  /** Index of the next window; times derive from it. */
  let position = 0;
  /** Idle: recent windows (pre-speech context plus a candidate run). Speaking: the utterance so far. */
  let windows: Int16Array[] = [];
  /** Idle: first window of the candidate run and its speech windows so far. */
  let candidateStart = -1;
  let candidateSpeech = 0;
  /** Speaking: window index where `windows` begins, where speech began, the last speech window, silence run. */
  let speaking = false;
  let firstWindow = 0;
  let speechStart = 0;
  let lastSpeech = 0;
  let silentRun = 0;
  /** Speaking: the last window was not speech (a `pause` went out); the next speech window resumes. */
  let paused = false;

  const ms = (windowIndex: number) => windowIndex * windowMs;
  const keepLast = (count: number) => {
    if (windows.length > count) windows = windows.slice(windows.length - count);
  };

  const startUtterance = (from: number, detectedAt: number): SegmentEvent => {
    speaking = true;
    speechStart = from;
    lastSpeech = detectedAt;
    silentRun = 0;
    paused = false;
    return { type: 'start', startMs: ms(from), detectedMs: ms(detectedAt + 1), samples: concatPcm(windows) };
  };

  const endUtterance = (reason: SpeechEnd['reason'], keepTrailing: boolean): SegmentEvent => {
    const lastKept = keepTrailing ? position - 1 : Math.min(position - 1, lastSpeech + padWindows);
    const kept = windows.slice(0, lastKept - firstWindow + 1);
    const event: SegmentEvent = {
      type: 'end',
      startMs: ms(speechStart),
      endMs: ms(lastSpeech + 1),
      samples: concatPcm(kept),
      reason,
    };
    speaking = false;
    // Windows after the kept ones are context for whatever comes next.
    windows = windows.slice(kept.length);
    keepLast(padWindows);
    candidateStart = -1;
    candidateSpeech = 0;
    return event;
  };

  return {
    window(samples, probability) {
      const index = position++;
      const events: SegmentEvent[] = [];
      windows.push(samples);
      const isSpeech = probability >= options.positiveThreshold;
      const isSilence = probability < options.negativeThreshold;

      if (!speaking) {
        if (isSpeech) {
          if (candidateStart < 0) candidateStart = index;
          candidateSpeech += 1;
        } else if (isSilence || (candidateStart >= 0 && index - candidateStart >= hangoverWindows)) {
          // Silence, or a run that hovered between the thresholds too long, is no candidate.
          candidateStart = -1;
          candidateSpeech = 0;
        }
        if (candidateSpeech >= minSpeechWindows) {
          // Keep the candidate run and padWindows of context before it.
          const oldest = index + 1 - windows.length;
          firstWindow = Math.max(candidateStart - padWindows, oldest);
          windows = windows.slice(firstWindow - oldest);
          events.push(startUtterance(candidateStart, index));
        } else if (candidateStart < 0) {
          keepLast(padWindows);
        }
        return events;
      }

      events.push({ type: 'audio', samples });
      if (isSpeech) {
        lastSpeech = index;
        silentRun = 0;
        if (paused) events.push({ type: 'resume' });
        paused = false;
      } else {
        if (isSilence) silentRun += 1;
        // The first window that is not speech: the speaker may have finished (callers act early, and undo on `resume`).
        if (!paused) events.push({ type: 'pause', endMs: ms(lastSpeech + 1) });
        paused = true;
      }
      if (silentRun >= hangoverWindows) {
        events.push(endUtterance('silence', false));
      } else if (index + 1 - speechStart >= maxWindows) {
        const stillTalking = silentRun === 0;
        events.push(endUtterance('max-length', true));
        if (stillTalking) {
          // The next utterance starts right here, with no context to repeat.
          windows = [];
          firstWindow = index + 1;
          events.push(startUtterance(index + 1, index));
        }
      }
      return events;
    },
    end() {
      const events = speaking ? [endUtterance('stream-end', false)] : [];
      windows = [];
      candidateStart = -1;
      candidateSpeech = 0;
      return events;
    },
  };
}
