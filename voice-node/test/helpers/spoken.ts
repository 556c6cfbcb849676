import { readFileSync } from 'node:fs';
import type { TranscriptScript } from '../../../providers/test/stand-ins/index.ts';
import { SILENCE_FRAME } from '../../src/audio/opus.ts';
import { FIXTURES, readFixture, rms } from '../audio/signals.ts';
import { fixtureOpusFrames } from '../transport/fixture-frames.ts';

/**
 * Speech fixtures as a client sends them, and STT stand-in scripts that know what
 * was said when: each word's middle is placed (performance.now(), shared with the
 * stand-ins in this process) as its frames go out, words spread evenly over their
 * stretch's speech. A streaming STT hears each VAD utterance on a connection of its
 * own, so it is given the words spoken since that audio began (less the VAD's ~250 ms
 * of context before the speech); a batch STT is sent the whole turn so far.
 */

/** A fixture with what it says and the frames where its speech begins and ends. */
export interface Spoken {
  text: string;
  frames: Uint8Array[];
  first: number;
  last: number;
}

/** The paused sentences: each spoken in two parts (fixtures/audio/pauses). */
export const PAUSED_SENTENCES = JSON.parse(readFileSync(new URL('pauses/utterances.json', FIXTURES), 'utf8')) as Array<{ name: string; parts: [string, string] }>;

/** How far behind the audio an interim transcript runs. */
const INTERIM_LAG_MS = 50;
const CONTEXT_MS = 250;

export function spoken(fixture: string, text: string): Spoken {
  const { samples, sampleRate } = readFixture(fixture);
  const size = (sampleRate * 20) / 1000;
  const loud: number[] = [];
  for (let frame = 0; frame * size < samples.length; frame++) {
    if (rms(samples.subarray(frame * size, (frame + 1) * size)) > 0.006) loud.push(frame);
  }
  return { text, frames: fixtureOpusFrames(fixture), first: loud[0]!, last: loud.at(-1)! };
}

/** Part `part` (1 or 2) of a paused sentence. */
export const sentencePart = (name: string, part: 1 | 2): Spoken =>
  spoken(`pauses/${name}-${part}`, PAUSED_SENTENCES.find((sentence) => sentence.name === name)!.parts[part - 1]!);

export function createSpeechTimeline() {
  let words: Array<{ word: string; at: number }> = [];
  /** Words up to here went into a streaming final already: a later stretch does not hear them again. */
  let finalUntil = 0;
  const between = (from: number, to: number) => words.filter((w) => w.at > from && w.at <= to).map((w) => w.word).join(' ');
  return {
    streaming: ((_, { final, startedAt = 0 }) => {
      const now = performance.now();
      const text = between(Math.max(startedAt - CONTEXT_MS, finalUntil), now - (final ? 0 : INTERIM_LAG_MS));
      if (final) finalUntil = now;
      return text;
    }) as TranscriptScript,
    batch: (() => between(0, performance.now())) as TranscriptScript,
    /**
     * The frames of the stretches with `pauseMs` of silence between them, and when each
     * stretch's speech ends (frame indexes); call `started()` as the first frame goes out.
     */
    say(stretches: Spoken[], pauseMs = 0) {
      const frames: Uint8Array[] = [];
      const lastFrames: number[] = [];
      const placed: Array<{ word: string; frame: number }> = [];
      for (const [i, stretch] of stretches.entries()) {
        if (i > 0) frames.push(...Array<Uint8Array>(Math.round(pauseMs / 20)).fill(SILENCE_FRAME));
        const span = stretch.last - stretch.first + 1;
        const text = stretch.text.split(' ');
        text.forEach((word, w) => placed.push({ word, frame: frames.length + stretch.first + ((w + 0.5) / text.length) * span }));
        lastFrames.push(frames.length + stretch.last);
        frames.push(...stretch.frames);
      }
      return {
        frames,
        lastFrames,
        started: (at = performance.now()) => {
          words = placed.map(({ word, frame }) => ({ word, at: at + frame * 20 }));
          finalUntil = 0;
        },
      };
    },
  };
}
