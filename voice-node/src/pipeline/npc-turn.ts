import type { NpcDefinition } from '@glyphoxa/protocol';
import type { LlmProvider, LlmRequest, TtsProvider } from '@glyphoxa/providers';
import type { Mixer } from '../audio/mixer.ts';
import { OPUS_CHANNELS, OPUS_SAMPLE_RATE } from '../audio/format.ts';
import { createOutputUpsampler } from '../audio/resample.ts';
import { createUsageCount } from './llm-usage.ts';
import { createSentenceSplitter } from './sentence-splitter.ts';
import { replyWithTools, type TurnTools } from './tool-rounds.ts';

/**
 * What an NPC says in one turn: a reply the LLM writes (calling the NPC's tools on the way,
 * if it has any), or given text (`/npc speak`, recaps, apologies).
 */
export type TurnScript = { kind: 'reply'; request: Omit<LlmRequest, 'signal'>; llm: LlmProvider; tools?: TurnTools } | { kind: 'verbatim'; text: string };

export interface TurnInput {
  npc: NpcDefinition;
  script: TurnScript;
  tts: TtsProvider;
  mixer: Mixer;
  signal: AbortSignal;
  /** No audio plays until this resolves (an answer prepared early waits until the player is surely done). */
  release?: Promise<void>;
}

/** Milliseconds after the turn began (performance.now() at start), per stage; unset if never reached. */
export interface TurnMarks {
  llmFirstToken?: number;
  ttsFirstByte?: number;
  firstAudio?: number;
}

export interface TurnResult {
  /** The sentences the table heard (at least the start of), in order: a cut-off turn keeps only those. */
  spoken: string[];
  /** False when aborted (barge-in, mute, stop) before the end. */
  completed: boolean;
  llmTokens: number;
  ttsChars: number;
  marks: TurnMarks;
}

/**
 * One NPC turn, streamed end to end: LLM deltas are cut into sentences as they
 * arrive, each sentence is synthesized while the LLM goes on writing, and its PCM
 * is resampled into the mixer as it streams, so the first sentence is heard while
 * the rest is still being written. Aborting stops the LLM, the TTS and playback.
 * Provider failures reject (ProviderError); what was spoken so far stays spoken.
 */
export async function runNpcTurn(input: TurnInput): Promise<TurnResult> {
  const { npc, script, tts, mixer, signal } = input;
  const began = performance.now();
  const since = () => performance.now() - began;
  const result: TurnResult = { spoken: [], completed: false, llmTokens: 0, ttsChars: 0, marks: {} };
  // Cancels the LLM and TTS calls: on the caller's abort, and when either fails.
  const cancel = new AbortController();
  const stop = () => {
    cancel.abort();
    mixer.stop(npc.name);
  };
  signal.addEventListener('abort', stop, { once: true });
  const utterance = mixer.play(npc.name);
  // Where each sentence starts in the utterance's audio, and when it played, to know what was heard.
  const synthesized: Array<{ text: string; atSample: number }> = [];
  let samplesWritten = 0;
  const played: { from?: number; to?: number } = {};
  const offMixer = mixer.onEvent((event) => {
    if (event.utterance !== utterance.id) return;
    if (event.type === 'npc-start') {
      played.from = event.sentAt;
      result.marks.firstAudio = event.sentAt - began;
    } else played.to = event.at;
  });
  // Audio ready before the release waits; it all goes out at once when the release comes.
  const held: Int16Array[] = [];
  let released = input.release === undefined;
  const release = () => {
    released = true;
    for (const pcm of held.splice(0)) utterance.write(pcm);
  };
  void input.release?.then(release, () => {});
  const write = (pcm: Int16Array) => {
    samplesWritten += pcm.length / OPUS_CHANNELS;
    if (released) utterance.write(pcm);
    else held.push(pcm);
  };

  const sentences = createSentenceQueue();
  const writing = writeSentences(script, cancel.signal, sentences, result, since);
  try {
    for (;;) {
      const sentence = await sentences.next();
      if (sentence === undefined || cancel.signal.aborted) break;
      synthesized.push({ text: sentence, atSample: samplesWritten });
      result.ttsChars += sentence.length;
      await speakSentence(sentence, npc, tts, cancel.signal, write, () => {
        result.marks.ttsFirstByte ??= since();
      });
    }
    await writing;
    await releaseOrAbort(input.release, signal);
    if (!signal.aborted) release();
    utterance.end();
    if (!signal.aborted) await playedOut(mixer, utterance.id, signal);
    result.completed = !signal.aborted && !utterance.stopped;
    return result;
  } catch (error) {
    cancel.abort();
    await writing;
    // What was already synthesized still plays; the caller apologizes after it.
    utterance.end();
    if (signal.aborted) return result;
    throw error;
  } finally {
    signal.removeEventListener('abort', stop);
    offMixer();
    result.spoken = heard(synthesized, played);
  }
}

/** The sentences whose audio had begun by the time playback ended (all of them if it ran out). */
function heard(synthesized: Array<{ text: string; atSample: number }>, played: { from?: number; to?: number }): string[] {
  if (played.from === undefined) return [];
  const playedSamples = (((played.to ?? performance.now()) - played.from) / 1000) * OPUS_SAMPLE_RATE;
  return synthesized.filter((sentence) => sentence.atSample <= playedSamples).map((sentence) => sentence.text);
}

/** Feeds the turn's sentences into `queue` as the script produces them, then closes it. */
async function writeSentences(
  script: TurnScript,
  signal: AbortSignal,
  queue: SentenceQueue,
  result: TurnResult,
  since: () => number,
): Promise<void> {
  const splitter = createSentenceSplitter();
  const usage = createUsageCount(script.kind === 'reply' ? script.request : undefined);
  try {
    if (script.kind === 'verbatim') {
      queue.push(...splitter.push(script.text), ...splitter.flush());
      return;
    }
    // A filler line while a tool runs comes before any of the reply's words: nothing waits in the splitter.
    const say = (line: string) => queue.push(line);
    for await (const event of replyWithTools(script.llm, script.request, script.tools, signal, say)) {
      if (signal.aborted) return;
      usage.add(event);
      if (event.type === 'usage') continue;
      result.marks.llmFirstToken ??= since();
      queue.push(...splitter.push(event.text));
    }
    queue.push(...splitter.flush());
  } catch (error) {
    queue.fail(error);
  } finally {
    result.llmTokens += usage.tokens();
    queue.close();
  }
}

async function speakSentence(
  text: string,
  npc: NpcDefinition,
  tts: TtsProvider,
  signal: AbortSignal,
  write: (pcm: Int16Array) => void,
  firstByte: () => void,
): Promise<void> {
  let upsampler: ReturnType<typeof createOutputUpsampler> | undefined;
  let rate = 0;
  for await (const chunk of tts.synthesize({ text, voice: npc.voice, signal })) {
    if (signal.aborted) return;
    firstByte();
    if (chunk.sampleRate !== rate) {
      if (upsampler) write(upsampler.flush());
      upsampler = createOutputUpsampler(chunk.sampleRate);
      rate = chunk.sampleRate;
    }
    write(upsampler!.push(chunk.samples));
  }
  if (upsampler && !signal.aborted) write(upsampler.flush());
}

/** Resolves once `release` does, or at once without one, or when the turn is aborted. */
function releaseOrAbort(release: Promise<void> | undefined, signal: AbortSignal): Promise<void> {
  if (!release || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    void release.then(done, done);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Resolves when the mixer is done with the utterance (played out or stopped), or on abort. */
function playedOut(mixer: Mixer, utteranceId: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      off();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const off = mixer.onEvent((event) => {
      if (event.type === 'npc-end' && event.utterance === utteranceId) done();
    });
    signal.addEventListener('abort', done, { once: true });
  });
}

interface SentenceQueue {
  push(...sentences: string[]): void;
  /** The next sentence; undefined once closed and drained. Rejects with a producer's failure. */
  next(): Promise<string | undefined>;
  fail(error: unknown): void;
  close(): void;
}

/** Hands sentences from the LLM loop to the TTS loop, which runs at its own pace. */
function createSentenceQueue(): SentenceQueue {
  const items: string[] = [];
  let closed = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  return {
    push(...sentences) {
      items.push(...sentences);
      notify();
    },
    async next() {
      for (;;) {
        if (failure) throw failure.error;
        if (items.length > 0) return items.shift();
        if (closed) return undefined;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    fail(error) {
      failure = { error };
      notify();
    },
    close() {
      closed = true;
      notify();
    },
  };
}
