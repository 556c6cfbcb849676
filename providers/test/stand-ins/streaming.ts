/**
 * What every streaming recognizer stand-in shares: the audio of the segment being
 * heard, an interim transcript of it after each `interimEveryMs` of new audio, and its
 * final `finalMs` after the client says the audio ended. Times follow the stand-in's
 * `streaming` settings, read when they apply, so a test may change them mid-run.
 */
import { STT_SAMPLE_RATE, type TranscriptScript } from './script.ts';
import { sleep, type StandIn } from './server.ts';

export class StreamingTranscriber {
  private readonly script: TranscriptScript;
  private readonly standIn: StandIn;
  private samples: Int16Array[] = [];
  private length = 0;
  private sinceInterim = 0;
  private startedAt: number | undefined;

  constructor(script: TranscriptScript, standIn: StandIn) {
    this.script = script;
    this.standIn = standIn;
  }

  /** Audio seconds in the current segment. */
  get seconds(): number {
    return this.length / STT_SAMPLE_RATE;
  }

  /** Adds audio; returns an interim transcript when one is due. */
  push(samples: Int16Array): string | undefined {
    this.startedAt ??= performance.now();
    this.samples.push(samples);
    this.length += samples.length;
    this.sinceInterim += samples.length;
    if ((this.sinceInterim * 1000) / STT_SAMPLE_RATE < this.standIn.streaming.interimEveryMs) return undefined;
    this.sinceInterim = 0;
    return this.script(this.all(), { final: false, startedAt: this.startedAt });
  }

  /** The segment's final transcript, after the configured delay; the next segment starts empty. */
  async final(): Promise<{ text: string; seconds: number }> {
    const audio = this.all();
    const text = audio.length === 0 ? '' : this.script(audio, { final: true, startedAt: this.startedAt });
    this.samples = [];
    this.length = 0;
    this.sinceInterim = 0;
    this.startedAt = undefined;
    await sleep(this.standIn.streaming.finalMs);
    return { text, seconds: audio.length / STT_SAMPLE_RATE };
  }

  private all(): Int16Array {
    const all = new Int16Array(this.length);
    let offset = 0;
    for (const chunk of this.samples) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    return all;
  }
}
