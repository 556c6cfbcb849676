import { SPEECH_SAMPLE_RATE } from '../format.ts';
import { createSegmenter } from './segmenter.ts';
import {
  DEFAULT_VAD_OPTIONS,
  type VadListener,
  type VadOptions,
  type VoiceActivityDetector,
} from './voice-activity-detector.ts';

/** 32 ms at 16 kHz: Silero's smallest window, so the shortest wait before a window is scored. */
export const WINDOW_SAMPLES = 512;

/** What a model contributes: a speech probability per window. */
export interface WindowScorer {
  /** WINDOW_SAMPLES samples scaled to [-1, 1); called for each window as it is cut, before earlier ones are answered, so scored in call order. */
  score(window: Float32Array): number | Promise<number>;
  /** A new stream begins (in call order with `score`): forget recurrent state. */
  reset(): void;
  /** The detector is closed: free what the scorer holds for it. */
  release?(): void;
}

/**
 * Cuts the stream into windows and has each scored as it is cut, off the caller's path
 * (`push` never waits for the model); the scores are read in order, and events come
 * from the segmenter.
 */
export function createWindowedDetector(
  scorer: WindowScorer,
  listener: VadListener,
  overrides: Partial<VadOptions> = {},
): VoiceActivityDetector {
  const segmenter = createSegmenter({ ...DEFAULT_VAD_OPTIONS, ...overrides }, WINDOW_SAMPLES);
  let partial = new Int16Array(WINDOW_SAMPLES);
  let filled = 0;
  let closed = false;
  /** Windows whose events went out. */
  let windowsOut = 0;
  // Each step is caught, so the chain never rejects and one bad window cannot stop the stream.
  let chain: Promise<void> = Promise.resolve();

  const emit = (events: ReturnType<typeof segmenter.end>) => {
    for (const event of events) {
      if (closed) return;
      if (event.type === 'start') listener.onSpeechStart({ startMs: event.startMs, detectedMs: event.detectedMs, samples: event.samples });
      else if (event.type === 'audio') listener.onSpeechAudio?.(event.samples);
      else if (event.type === 'pause') listener.onSpeechPause?.({ endMs: event.endMs });
      else if (event.type === 'resume') listener.onSpeechResume?.();
      else listener.onSpeechEnd({ startMs: event.startMs, endMs: event.endMs, samples: event.samples, reason: event.reason });
    }
  };

  const step = (work: () => Promise<void> | void) => {
    chain = chain.then(async () => {
      if (closed) return;
      try {
        await work();
      } catch (error) {
        listener.onError?.(error);
      }
    });
  };

  // Each window is asked for as soon as it is cut, not once the one before is scored: a
  // scorer that answers late (the worker thread starved) then has the backlog queued and
  // catches up, instead of the stream falling a round trip behind per window for good.
  const scoreWindow = (window: Int16Array) => {
    const scaled = new Float32Array(WINDOW_SAMPLES);
    for (let i = 0; i < WINDOW_SAMPLES; i++) scaled[i] = (window[i] as number) / 32768;
    const scored = (async () => scorer.score(scaled))().then(
      (probability) => ({ probability }),
      (error: unknown) => ({ probability: 0, error }),
    );
    step(async () => {
      const result = await scored;
      if ('error' in result) listener.onError?.(result.error);
      emit(segmenter.window(window, result.probability));
      windowsOut += 1;
    });
  };

  return {
    push(samples) {
      if (closed) return;
      let at = 0;
      while (at < samples.length) {
        const take = Math.min(WINDOW_SAMPLES - filled, samples.length - at);
        partial.set(samples.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === WINDOW_SAMPLES) {
          scoreWindow(partial);
          partial = new Int16Array(WINDOW_SAMPLES);
          filled = 0;
        }
      }
    },
    end() {
      // A trailing part-window (< 32 ms) is dropped: too short to change the outcome.
      filled = 0;
      // Reset now, in order with the windows already asked for: the next stream's windows follow it.
      scorer.reset();
      step(() => emit(segmenter.end()));
      return chain;
    },
    close() {
      if (closed) return;
      closed = true;
      scorer.release?.();
    },
    get scoredMs() {
      return (windowsOut * WINDOW_SAMPLES * 1000) / SPEECH_SAMPLE_RATE;
    },
  };
}
