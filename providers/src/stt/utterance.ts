import { encodeWav } from '../wav.ts';

export const STT_SAMPLE_RATE = 16_000;

/**
 * One utterance's audio as it is written. Every attempt reads it from the start,
 * so a retry (a new connection, a new upload) replays what the speaker already said.
 */
export class Utterance {
  /** The language the speaker is expected to use, if the caller knows it. */
  readonly language: string | undefined;
  private readonly chunks: Int16Array[] = [];
  private length = 0;
  private ended = false;
  private changed = signal();
  private readonly ending = signal();

  constructor(language?: string) {
    this.language = language;
  }

  /** Resolves once no more audio will come. */
  get done(): Promise<void> {
    return this.ending.promise;
  }

  get seconds(): number {
    return this.length / STT_SAMPLE_RATE;
  }

  /** Copies: callers may reuse their buffers. Audio after the end is dropped. */
  write(samples: Int16Array): void {
    if (this.ended || samples.length === 0) return;
    this.chunks.push(samples.slice());
    this.length += samples.length;
    this.wake();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.ending.resolve();
    this.wake();
  }

  /** Each chunk as it arrives, from the first; ends with the utterance or when `signal` aborts. */
  async *read(signal: AbortSignal): AsyncGenerator<Int16Array> {
    for (let next = 0; !signal.aborted; ) {
      if (next < this.chunks.length) yield this.chunks[next++]!;
      else if (this.ended) return;
      else await this.changed.promise;
    }
  }

  /** The whole utterance, once it ended. */
  async all(): Promise<Int16Array> {
    await this.done;
    const samples = new Int16Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      samples.set(chunk, offset);
      offset += chunk.length;
    }
    return samples;
  }

  private wake(): void {
    this.changed.resolve();
    this.changed = signal();
  }
}

/** A promise and its resolver (`Promise.withResolvers` is newer than the ES2023 this builds for). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** A vendor's recognition of one utterance, uploaded once it ended. */
export type Recognise = (utterance: Utterance, signal: AbortSignal) => Promise<string>;

/** A batch vendor's `recognise`: the whole utterance as a WAV upload; silence is not sent. */
export function uploadWhenEnded(upload: (wav: Uint8Array<ArrayBuffer>, signal: AbortSignal, utterance: Utterance) => Promise<string>): Recognise {
  return async (utterance, signal) => {
    const samples = await utterance.all();
    return samples.length === 0 ? '' : upload(encodeWav(samples, STT_SAMPLE_RATE), signal, utterance);
  };
}
