import type { Resilience } from '../resilience.ts';
import { ProviderError, type SttProvider, type SttResult } from '../types.ts';
import { type Recognise, Utterance } from './utterance.ts';

/** A vendor's streamed recognition: audio goes out as it is written, `partial` gets the transcript so far. */
export type StreamRecognise = (utterance: Utterance, signal: AbortSignal, partial: (text: string) => void) => Promise<string>;

/** How one vendor recognises an utterance: streamed where it has a streaming API, and always by upload. */
export interface SttVendor {
  stream?: StreamRecognise;
  batch: Recognise;
}

/**
 * An `SttProvider` over a vendor's two ways of recognising. An utterance is streamed
 * while the speaker talks (the attempt starts at once; its timeout only once the
 * utterance ended and `loaded`, a lazily loaded SDK, resolved). If the stream fails
 * (a dropped connection, a stall, a 5xx) the utterance is uploaded to the batch API
 * instead, from its first sample, so no word is lost; the upload is retried as usual.
 * A vendor that refuses streaming outright (4xx other than a bad key: an
 * OpenAI-compatible server with no realtime API) is not asked to stream again.
 */
export function sttProvider(name: string, resilience: Resilience, vendor: SttVendor, loaded?: Promise<unknown>): SttProvider {
  let streaming = vendor.stream !== undefined;
  return {
    name,
    get streaming() {
      return streaming;
    },
    open({ signal, language, onPartial }) {
      const utterance = new Utterance(language);
      const dropped = new AbortController();
      const stop = signal ? AbortSignal.any([signal, dropped.signal]) : dropped.signal;
      const ready = loaded ? Promise.all([utterance.done, loaded]) : utterance.done;
      let last = '';
      let live = true;
      const partial = (text: string) => {
        if (!live || stop.aborted || text === last) return;
        last = text;
        onPartial?.(text);
      };
      const recognise = async (): Promise<string> => {
        const stream = streaming ? vendor.stream : undefined;
        if (stream) {
          try {
            return await resilience.call(stop, (attempt) => stream(utterance, attempt, partial), ready, 0);
          } catch (error) {
            if (stop.aborted || !(error instanceof ProviderError) || error.status === 401 || error.status === 403) throw error;
            if (error.status !== undefined && !error.retryable) streaming = false;
          } finally {
            live = false;
          }
        }
        return resilience.call(stop, (attempt) => vendor.batch(utterance, attempt), ready);
      };
      const result: Promise<SttResult> = recognise().then((text) => ({ text, seconds: utterance.seconds }));
      // Reported by `finish()`; until then (or after `abort()`) nobody is waiting for it.
      result.catch(() => {});
      return {
        write: (samples) => utterance.write(samples),
        finish: () => {
          utterance.end();
          return result;
        },
        abort: () => {
          dropped.abort();
          utterance.end();
        },
      };
    },
  };
}
