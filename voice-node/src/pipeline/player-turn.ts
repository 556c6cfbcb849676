import { errorMessage, type Logger } from '@glyphoxa/protocol';
import type { SttProvider, SttStream } from '@glyphoxa/providers';
import { concatPcm } from '../audio/pcm.ts';
import { pitchRise } from '../audio/pitch.ts';
import type { Speaker } from './listener.ts';

/**
 * What one player says in one turn, heard as they say it, and reported at the
 * moments an answer could start: when the voice pauses and when the final
 * transcript is in. A streaming STT hears each stretch of speech (a VAD utterance)
 * as it is spoken, its partial transcript standing for the words at a pause. A
 * batch STT is sent the whole turn so far at each pause, in case it was the end
 * (dropped if the voice comes back), so the final is often in when the turn ends.
 * A turn spans the pauses inside it; the session pipeline decides when it is over.
 */

export interface TurnWords {
  /** Everything said in the turn so far. */
  text: string;
  /** No audio of the turn is still being recognized (the player may still go on). */
  final: boolean;
  /** A streaming STT revised its partial while the player is still talking. */
  speaking?: boolean;
}

export interface PlayerTurnEvents {
  words(turn: PlayerTurn, words: TurnWords): void;
  /** Audio seconds a recognition billed. */
  sttSeconds(seconds: number): void;
}

/** One stretch of speech between pauses long enough to end a VAD utterance. */
interface Stretch {
  /** Streaming STTs only: the audio goes out as it is heard. */
  stream?: SttStream;
  /** Streaming: this stretch's partial transcript. */
  partial: string;
  paused: boolean;
  /** Batch STTs: the turn up to the current pause, recognized in case it was the end. */
  early?: { controller: AbortController; text: Promise<string | undefined> };
}

export class PlayerTurn {
  readonly speaker: Speaker;
  /** performance.now() of the last sound of speech (where the VAD placed its end). */
  lastSoundAt = 0;
  /** Pitch movement into the last pause, semitones (turn-completion.ts). */
  pitchRise: number | undefined;
  /** When the turn's final words came in (performance.now()). */
  finalAt: number | undefined;
  private readonly stt: SttProvider;
  private readonly events: PlayerTurnEvents;
  private readonly log: Logger;
  private readonly controller = new AbortController();
  /** Streaming: each finished stretch's text, in the order spoken (undefined while being recognized). Batch: one, the turn's. */
  private readonly finals: Array<string | undefined> = [];
  private current: Stretch | undefined;
  /** All the turn's audio; the stretch being spoken begins at `stretchStart`. */
  private readonly samples: Int16Array[] = [];
  private stretchStart = 0;

  constructor(speaker: Speaker, stt: SttProvider, events: PlayerTurnEvents, log: Logger) {
    this.speaker = speaker;
    this.stt = stt;
    this.events = events;
    this.log = log;
  }

  /** The turn's words: the finished stretches and the partial of the one being spoken. */
  get text(): string {
    return [...this.finals, this.current?.partial].filter(Boolean).join(' ');
  }

  private get streaming(): boolean {
    return this.current?.stream !== undefined;
  }

  /** A stretch of speech is open. */
  get speaking(): boolean {
    return this.current !== undefined;
  }

  get settled(): boolean {
    return this.current === undefined && this.finals.every((text) => text !== undefined);
  }

  /** A stretch of speech began; `samples` is its audio so far. */
  start(samples: Int16Array): void {
    const stretch: Stretch = { partial: '', paused: false };
    this.stretchStart = this.samples.length;
    if (this.stt.streaming) {
      stretch.stream = this.stt.open({
        signal: this.controller.signal,
        onPartial: (text) => {
          stretch.partial = text;
          // A revision changes what an early answer would answer; one while they talk may already sound finished.
          if (this.current === stretch) this.report(false, !stretch.paused);
        },
      });
    }
    this.current = stretch;
    this.audio(samples);
  }

  audio(samples: Int16Array): void {
    if (!this.current || samples.length === 0) return;
    this.samples.push(samples);
    this.current.stream?.write(samples);
  }

  /** The voice stopped at `endedAt`: report what an answer would answer now. */
  pause(endedAt: number): void {
    const stretch = this.current;
    if (!stretch) return;
    this.lastSoundAt = endedAt;
    stretch.paused = true;
    this.pitchRise = pitchRise(concatPcm(this.samples.slice(this.stretchStart)));
    if (stretch.stream) {
      this.report(false);
      return;
    }
    const controller = new AbortController();
    stretch.early = { controller, text: this.recognise(concatPcm(this.samples), controller.signal) };
    void stretch.early.text.then((text) => {
      if (text === undefined || this.current !== stretch || !stretch.paused) return;
      this.finals.length = 0;
      stretch.partial = text;
      this.report(false);
    });
  }

  /** The voice came back before the stretch ended: the pause was a breath. */
  resume(): void {
    const stretch = this.current;
    if (!stretch) return;
    stretch.paused = false;
    stretch.early?.controller.abort();
    stretch.early = undefined;
  }

  /** The stretch ended (its silence lasted): its final transcript completes the words so far. */
  end(): void {
    const stretch = this.current;
    if (!stretch) return;
    const streaming = this.streaming;
    this.current = undefined;
    // Batch: this recognition covers the whole turn, so it replaces what came before.
    if (!streaming) this.finals.length = 0;
    const index = this.finals.push(undefined) - 1;
    const recognition = stretch.stream
      ? this.finish(stretch.stream)
      : (stretch.early?.text ?? this.recognise(concatPcm(this.samples), this.controller.signal));
    void recognition.then((text) => {
      // A later stretch's recognition of the whole turn took this one's place.
      if (!streaming && this.finals.length !== index + 1) return;
      if (this.controller.signal.aborted) return;
      this.finals[index] = text ?? '';
      if (!this.settled) return;
      this.finalAt = performance.now();
      this.report(true);
    });
  }

  /** The turn is over (answered, dropped or the session closed): nothing more is recognized. */
  close(): void {
    this.controller.abort();
    this.current?.stream?.abort();
    this.current?.early?.controller.abort();
  }

  private report(final: boolean, speaking = false): void {
    if (this.controller.signal.aborted) return;
    this.events.words(this, { text: this.text.trim(), final, speaking });
  }

  private async finish(stream: SttStream): Promise<string | undefined> {
    try {
      const heard = await stream.finish();
      this.events.sttSeconds(heard.seconds);
      return heard.text.trim();
    } catch (error) {
      if (!this.controller.signal.aborted) this.log.warn('speech-to-text failed', { speaker_id: this.speaker.id, error: errorMessage(error) });
      return undefined;
    }
  }

  private recognise(samples: Int16Array, signal: AbortSignal): Promise<string | undefined> {
    const stream = this.stt.open({ signal: AbortSignal.any([signal, this.controller.signal]) });
    stream.write(samples);
    return this.finish(stream);
  }
}
